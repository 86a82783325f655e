// Starts the media bridge from what its Dockerfile built (the final stage's folder and CMD), with the settings
// infra/modules/bridge.bicep gives the Container App (Voice Live, managed identity, storage) as far as the
// sandbox allows, and asks its health endpoint, as the Container Apps probes would.
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';
import { startManagedIdentityEndpoint } from '@switchboard/sandbox/managedIdentityEndpoint';
import type { BuiltImage } from './dockerfileBuild';
import { machineEnv, StepFailedError } from './commands';

const run = promisify(execFile);

/** The image has Node and nothing else on PATH: no system flite, sox or pocketsphinx to fall back on. */
const imagePath = () => dirname(process.execPath);

/** The apology's speech comes from the image's own packages (the flite WebAssembly build), not the machine. */
async function speaksFromTheImage(image: BuiltImage): Promise<void> {
  const script =
    "require('@switchboard/audio/speechSynthesizer').synthesize('Sorry.', 'slt')" +
    '.then((pcm) => process.exit(pcm && pcm.length ? 0 : 1))';
  try {
    await run(process.execPath, ['-e', script], {
      cwd: image.workdir,
      env: machineEnv({ ...image.env, PATH: imagePath() }),
    });
  } catch (error) {
    throw new StepFailedError(
      `the image cannot speak the apology with its own packages (no system flite there): ${(error as Error).message}`,
    );
  }
}

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
      PATH: imagePath(),
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
      await speaksFromTheImage(image);
      return [
        `the bridge starts from the image's files alone (Voice Live provider) and /healthz answers 200`,
        'the apology is spoken by the flite WebAssembly build in the image, with no system flite',
      ];
    } finally {
      await stopChild(child);
    }
  } finally {
    await identity.close();
  }
}
