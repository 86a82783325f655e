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
        // Storage as "localhost", the emulator as 127.0.0.1: NO_PROXY keeps storage off the emulator's proxy.
        AzureWebJobsStorage: azurite.connectionString.replace(/127\.0\.0\.1/g, 'localhost'),
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
        // Recording downloads go to *.asm.skype.com: the Azure SDK's standard proxy setting sends ACS
        // traffic through the emulator's proxy, which ends every tunnel in the emulator.
        HTTPS_PROXY: acs.proxyUrl,
        NO_PROXY: 'localhost',
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
  await acs.control.addSubscription({ endpoint: `${host.url}/runtime/webhooks/eventgrid?functionName=recordingFileStatusUpdated`, eventTypes: ['Microsoft.Communication.RecordingFileStatusUpdated'] });
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
