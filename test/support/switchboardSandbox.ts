import { startAzurite, type AzuriteInstance } from '../../sandbox/azurite';
import { azuriteTls } from '../../sandbox/azuriteTls';
import { type AcsEmulator, type AcsEmulatorOptions } from '../../sandbox/acs';
import { startAcsEmulatorChecked as startAcsEmulator } from './acsEmulator';
import { startHostProcess, type HostProcess } from './hostProcess';
import { repoRoot, fixture } from './paths';
import { freePort } from './freePort';
import { BlobServiceClient } from '@azure/storage-blob';
import { renderApology } from '../../bridge/apology';
import { appClient } from '../../bridge/appClient';
import { startBridge, type Bridge } from '../../bridge/bridgeServer';
import { createProvider } from '../../bridge/createProvider';
import { blobTranscriptStore } from '../../bridge/liveTranscript';
import type { VoiceModelProvider } from '../../bridge/providers/voiceModel';
import { sandboxAppSettings, subscribeAppToAcs, subscribeAppToStorage } from '../../sandbox/appSettings';
import { startStorageEvents, type StorageEvents } from '../../sandbox/storageEvents';
import { startLocalEntraIssuer, type LocalEntraIssuer } from '../../sandbox/entraIssuer';

export interface SwitchboardSandbox {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  host: HostProcess;
  /** Azure Storage's Event Grid system topic, which Azurite lacks. */
  storageEvents: StorageEvents;
  /** Stands in for Entra ID: mints the API's bearer tokens. */
  entra: LocalEntraIssuer;
  /** fetch() against the app's APIs with a bearer token carrying every app role. */
  api(path: string, init?: RequestInit): Promise<Response>;
  bridge?: Bridge;
  /**
   * Kills the app's host (SIGKILL: a crash, nothing flushed) and starts it again on the same address, running
   * `whileDown` (what the world does meanwhile) in between.
   */
  restartHost(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product as a caller meets it: Azurite (HTTPS), the ACS emulator, and the app in the local
 * Functions host as its own process, wired by settings only, with Event Grid subscriptions like Azure's.
 */
export async function startSwitchboard(
  options: {
    acs?: AcsEmulatorOptions;
    env?: Record<string, string>;
    flows?: string;
    envFromAcs?: (acs: AcsEmulator) => Promise<Record<string, string>>;
    /** Starts the media bridge in this process (the offline voice agent unless a provider is given). */
    bridge?: { provider?: VoiceModelProvider };
  } = {},
): Promise<SwitchboardSandbox> {
  const azurite = await startAzurite({ tls: await azuriteTls() });
  // An inbound call rings 30 s of real time, as in ACS, whatever timeScale speeds up: a loaded machine may take
  // seconds to answer, and a test must not depend on how fast it does (benchmarks measure that).
  const ringMs = 30_000 / (options.acs?.timeScale ?? 1);
  const acs = await startAcsEmulator({
    immutableResourceId: 'test-acs-resource',
    incomingCallTimeoutMs: ringMs,
    ...options.acs,
  });
  const entra = await startLocalEntraIssuer();
  const port = String(await freePort());
  const acsEnv = options.envFromAcs ? await options.envFromAcs(acs) : {};
  const bridge = options.bridge
    ? await startBridge({
        token: { jwksUrl: acs.jwksUrl, issuer: acs.issuer, audience: acs.immutableResourceId },
        provider: options.bridge.provider ?? createProvider({ name: 'local' }),
        app: appClient(`http://127.0.0.1:${port}`),
        transcripts: blobTranscriptStore(BlobServiceClient.fromConnectionString(azurite.connectionString)),
        apology: await renderApology(),
      })
    : undefined;
  if (bridge) acsEnv.MEDIA_BRIDGE_URL = bridge.url;
  let host: HostProcess;
  const hostEnv = {
    ...sandboxAppSettings({
      azurite,
      acs,
      entra,
      callbackBaseUrl: `http://127.0.0.1:${port}`,
      flowsPath: options.flows ?? fixture('flows'),
    }),
    TASKHUB_NAME: 'switchboardtest',
    ...options.env,
    ...acsEnv,
  };
  try {
    host = await startHostProcess(repoRoot, hostEnv, port);
  } catch (error) {
    await bridge?.close();
    await entra.close();
    await acs.close();
    await azurite.stop();
    throw error;
  }
  await subscribeAppToAcs(host.url, acs);
  const storageEvents = startStorageEvents({ connectionString: azurite.connectionString });
  await subscribeAppToStorage(host.url, storageEvents);
  return {
    azurite,
    acs,
    get host() {
      return host;
    },
    storageEvents,
    entra,
    async api(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await entra.token()}`);
      return fetch(`${host.url}${path}`, { ...init, headers });
    },
    bridge,
    async restartHost(whileDown) {
      await host.stop('SIGKILL');
      await whileDown?.();
      host = await startHostProcess(repoRoot, hostEnv, port);
    },
    async stop() {
      storageEvents.close();
      await host.stop();
      await bridge?.close();
      await entra.close();
      await acs.close();
      await azurite.stop();
    },
  };
}
