import { DefaultAzureCredential } from '@azure/identity';
import { safeMessage } from '@switchboard/core/errors';
import { createBlobServiceClient } from '@switchboard/core/storage/storageClients';
import { renderApology } from './apology';
import { appClient } from './appClient';
import { loadBridgeConfig } from './bridgeConfig';
import { startBridge } from './bridgeServer';
import { createProvider } from './createProvider';
import { blobTranscriptStore } from './liveTranscript';

// `npm run bridge`: the media bridge on its own (a Container App in Azure). Settings from the environment.

async function main(): Promise<void> {
  const config = loadBridgeConfig();
  const credential = new DefaultAzureCredential();
  const bridge = await startBridge({
    port: config.port,
    host: config.host,
    token: config.token,
    provider: createProvider(config.provider, credential),
    app: appClient(config.appBaseUrl),
    transcripts: blobTranscriptStore(createBlobServiceClient(config)),
    apology: await renderApology(),
    tools: { credential },
    appendMs: config.appendMs,
    log: (message, properties) => console.log(JSON.stringify({ message, ...properties })),
  });
  console.log(`BRIDGE_READY ${bridge.port} provider=${config.provider.name}`);
  const shutdown = () => void bridge.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`The media bridge could not start: ${safeMessage(error)}`);
  process.exit(1);
});
