import type { AzuriteInstance } from './azurite';
import type { AcsEmulator } from './acs';

/**
 * The app settings that point Switchboard at the sandbox: the same names it reads in Azure, so the app
 * has no sandbox branches. Used by `npm start`, the integration tests and the benchmarks.
 */
export function sandboxAppSettings(parts: {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  callbackBaseUrl: string;
  flowsPath: string;
}): Record<string, string> {
  const { azurite, acs } = parts;
  return {
    // Storage as "localhost", the emulator as 127.0.0.1: NO_PROXY keeps storage off the emulator's proxy.
    AzureWebJobsStorage: azurite.connectionString.replace(/127\.0\.0\.1/g, 'localhost'),
    TASKHUB_NAME: 'switchboard',
    ACS_CONNECTION_STRING: acs.connectionString,
    ACS_IMMUTABLE_RESOURCE_ID: acs.immutableResourceId,
    ACS_CALLBACK_ISSUER: acs.issuer,
    ACS_CALLBACK_JWKS_URL: acs.jwksUrl,
    CALLBACK_BASE_URL: parts.callbackBaseUrl,
    COGNITIVE_SERVICES_ENDPOINT: 'https://sandbox-ai.cognitiveservices.azure.com/',
    INSIGHTS_PROVIDER: 'local',
    FLOWS_PATH: parts.flowsPath,
    // The app reaches the emulator and Azurite over HTTPS with the sandbox CA, as it reaches Azure.
    NODE_EXTRA_CA_CERTS: acs.caCertPath,
    // Recording downloads go to *.asm.skype.com: the Azure SDK's standard proxy setting sends ACS traffic
    // through the emulator's proxy, which ends every tunnel in the emulator.
    HTTPS_PROXY: acs.proxyUrl,
    NO_PROXY: 'localhost',
  };
}

/** The media bridge's settings in the sandbox: the offline voice agent, the emulator's keys, Azurite. */
export function sandboxBridgeSettings(parts: {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  appBaseUrl: string;
}): Record<string, string> {
  return {
    ACS_IMMUTABLE_RESOURCE_ID: parts.acs.immutableResourceId,
    ACS_CALLBACK_ISSUER: parts.acs.issuer,
    ACS_CALLBACK_JWKS_URL: parts.acs.jwksUrl,
    APP_BASE_URL: parts.appBaseUrl,
    VOICE_AGENT_PROVIDER: 'local',
    AzureWebJobsStorage: parts.azurite.connectionString.replace(/127\.0\.0\.1/g, 'localhost'),
    NODE_EXTRA_CA_CERTS: parts.acs.caCertPath,
  };
}

/** Event Grid function name -> the ACS event types it subscribes to (docs/architecture.md contracts). */
export const EVENT_SUBSCRIPTIONS: Record<string, string[]> = {
  incomingCall: ['Microsoft.Communication.IncomingCall'],
  recordingFileStatusUpdated: ['Microsoft.Communication.RecordingFileStatusUpdated'],
  smsReceived: ['Microsoft.Communication.SMSReceived', 'Microsoft.Communication.SMSDeliveryReportReceived'],
  chatMessageReceived: ['Microsoft.Communication.ChatMessageReceivedInThread'],
  advancedMessageReceived: [
    'Microsoft.Communication.AdvancedMessageReceived',
    'Microsoft.Communication.AdvancedMessageDeliveryStatusUpdated',
  ],
};

/** Subscribes each Event Grid function the running app has to its ACS events, as azd's hook does in Azure. */
export async function subscribeAppToAcs(hostUrl: string, acs: AcsEmulator): Promise<string[]> {
  const functions = (await (await fetch(`${hostUrl}/admin/functions`)).json()) as { name: string; trigger: string }[];
  const subscribed: string[] = [];
  for (const fn of functions.filter((f) => f.trigger === 'eventGridTrigger' && EVENT_SUBSCRIPTIONS[f.name])) {
    await acs.control.addSubscription({
      endpoint: `${hostUrl}/runtime/webhooks/eventgrid?functionName=${fn.name}`,
      eventTypes: EVENT_SUBSCRIPTIONS[fn.name],
    });
    subscribed.push(fn.name);
  }
  return subscribed;
}
