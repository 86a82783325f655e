// Starts the media bridge from what its Dockerfile built (the final stage's folder and CMD), with the settings
// infra/modules/bridge.bicep gives the Container App (Voice Live, managed identity, storage) as far as the
// sandbox allows, and asks its health endpoint, as the Container Apps probes would.
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';
import { startManagedIdentityEndpoint } from '@switchboard/sandbox/managedIdentityEndpoint';
import type { BuiltImage } from './dockerfileBuild';
import { machineEnv, StepFailedError } from './commands';

export async function rehearseBridge(image: BuiltImage, appBaseUrl: string): Promise<string[]> {
  const [program, ...args] = image.cmd;
  if (program !== 'node' || !args.length)
    throw new StepFailedError(`the image's CMD is not a node command: ${image.cmd.join(' ')}`);
  const identity = await startManagedIdentityEndpoint();
  try {
    const env = machineEnv({
      ...image.env,
      ...identity.env,
      PORT: '0', // 8080 in Azure; any free port here
      ACS_IMMUTABLE_RESOURCE_ID: 'rehearsal-acs-resource',
      APP_BASE_URL: appBaseUrl,
      VOICE_AGENT_PROVIDER: 'voicelive',
      VOICELIVE_ENDPOINT: 'https://rehearsal-ai.cognitiveservices.azure.com/',
      AzureWebJobsStorage__accountName: 'rehearsalstorage', // live transcripts, with the managed identity
    });
    // The CMD's arguments as they are (flags, then the script), for this machine's Node, in the image's WORKDIR.
    const { child, ready } = await startReadyChild(
      'The media bridge built from its Dockerfile',
      args[0],
      args.slice(1),
      env,
      'BRIDGE_READY',
      { cwd: image.workdir },
    ).catch((error: Error) => {
      throw new StepFailedError(error.message);
    });
    try {
      const port = parseInt(ready, 10);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (health.status !== 200) throw new StepFailedError(`the bridge's /healthz answered ${health.status}`);
      return [`the bridge starts from the image's files alone (Voice Live provider) and /healthz answers 200`];
    } finally {
      await stopChild(child);
    }
  } finally {
    await identity.close();
  }
}
