import { startAzurite, type AzuriteInstance } from '../../sandbox/azurite';
import { azuriteTls } from '../../sandbox/azuriteTls';
import { startAcsEmulator, type AcsEmulator, type AcsEmulatorOptions } from '../../sandbox/acs';
import { startHostProcess, type HostProcess } from './hostProcess';
import { repoRoot, fixture } from './paths';
import { freePort } from './freePort';

export interface SwitchboardSandbox {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  host: HostProcess;
  stop(): Promise<void>;
}

/**
 * The whole product as a caller meets it: Azurite (HTTPS), the ACS emulator, and the app in the local
 * Functions host as its own process, wired by settings only, with Event Grid subscriptions like Azure's.
 */
export async function startSwitchboard(options: { acs?: AcsEmulatorOptions; env?: Record<string, string>; flows?: string } = {}): Promise<SwitchboardSandbox> {
  const azurite = await startAzurite({ tls: await azuriteTls() });
  const acs = await startAcsEmulator({ immutableResourceId: 'test-acs-resource', ...options.acs });
  const port = String(await freePort());
  let host: HostProcess;
  try {
    host = await startHostProcess(
      repoRoot,
      {
        AzureWebJobsStorage: azurite.connectionString,
        TASKHUB_NAME: 'switchboardtest',
        ACS_CONNECTION_STRING: acs.connectionString,
        ACS_IMMUTABLE_RESOURCE_ID: acs.immutableResourceId,
        ACS_CALLBACK_ISSUER: acs.issuer,
        ACS_CALLBACK_JWKS_URL: acs.jwksUrl,
        CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
        INSIGHTS_PROVIDER: 'local',
        FLOWS_PATH: options.flows ?? fixture('flows'),
        // The app reaches the emulator and Azurite over HTTPS with the sandbox CA, as it reaches Azure.
        NODE_EXTRA_CA_CERTS: acs.caCertPath,
        ...options.env,
      },
      port,
    );
  } catch (error) {
    await acs.close();
    await azurite.stop();
    throw error;
  }
  await acs.control.addSubscription({ endpoint: `${host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, eventTypes: ['Microsoft.Communication.IncomingCall'] });
  return {
    azurite,
    acs,
    host,
    async stop() {
      await host.stop();
      await acs.close();
      await azurite.stop();
    },
  };
}
