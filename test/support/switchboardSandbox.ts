import { startAzurite, type AzuriteInstance } from '../../sandbox/azurite';
import { azuriteTls } from '../../sandbox/azuriteTls';
import { type AcsEmulator, type AcsEmulatorOptions } from '../../sandbox/acs';
import { startAcsEmulatorChecked as startAcsEmulator } from './acsEmulator';
import { startHostProcess, type HostProcess } from './hostProcess';
import { repoRoot, fixture } from './paths';
import { freePort } from './freePort';
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
  /** fetch() against the app's APIs with a bearer token carrying both app roles. */
  api(path: string, init?: RequestInit): Promise<Response>;
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
  } = {},
): Promise<SwitchboardSandbox> {
  const azurite = await startAzurite({ tls: await azuriteTls() });
  const acs = await startAcsEmulator({ immutableResourceId: 'test-acs-resource', ...options.acs });
  const entra = await startLocalEntraIssuer();
  const port = String(await freePort());
  const acsEnv = options.envFromAcs ? await options.envFromAcs(acs) : {};
  let host: HostProcess;
  try {
    host = await startHostProcess(
      repoRoot,
      {
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
      },
      port,
    );
  } catch (error) {
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
    host,
    storageEvents,
    entra,
    async api(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await entra.token()}`);
      return fetch(`${host.url}${path}`, { ...init, headers });
    },
    async stop() {
      storageEvents.close();
      await host.stop();
      await entra.close();
      await acs.close();
      await azurite.stop();
    },
  };
}
