import type { AzuriteInstance } from '@switchboard/functions-host/azurite';
import type { AcsEmulator } from '@switchboard/acs-emulator';
import type { StorageEvents } from './storageEvents';
import type { LocalEntraIssuer } from './entraIssuer';

/**
 * The app settings that point Switchboard at the sandbox: the same names it reads in Azure, so the app
 * has no sandbox branches. Used by `npm start`, the integration tests and the benchmarks.
 */
export function sandboxAppSettings(parts: {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  entra: LocalEntraIssuer;
  callbackBaseUrl: string;
  flowsPath: string;
}): Record<string, string> {
  const { azurite, acs, entra } = parts;
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
    // Entra ID for the APIs: the local issuer's tenant and app registration, its keys in place of the tenant's.
    API_AUTH_TENANT_ID: entra.tenantId,
    API_AUTH_CLIENT_ID: entra.clientId,
    API_AUTH_AUDIENCE: entra.appIdUri,
    API_AUTH_JWKS_URL: entra.jwksUrl,
    OUTBOUND_ALLOWED_PREFIXES: '+1,+44',
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
    // Only this machine reaches the sandbox's bridge (ACS's emulator connects over loopback).
    BRIDGE_HOST: '127.0.0.1',
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

/** Blob function name -> the container its Event Grid subscription filters on (infra/modules/blob-events.bicep). */
export const BLOB_SUBSCRIPTIONS: Record<string, string> = {
  transcribeRecording: 'recordings',
  summarizeTranscript: 'transcripts',
  summarizeChatExport: 'chat-exports',
};

/** Subscribes each Event Grid-sourced blob trigger to BlobCreated in its container, as the infra does in Azure. */
export async function subscribeAppToStorage(hostUrl: string, storage: StorageEvents): Promise<string[]> {
  const functions = (await (await fetch(`${hostUrl}/admin/functions`)).json()) as {
    name: string;
    trigger: string;
    source?: string;
  }[];
  const subscribed: string[] = [];
  for (const fn of functions.filter((f) => f.trigger === 'blobTrigger' && f.source === 'EventGrid')) {
    const container = BLOB_SUBSCRIPTIONS[fn.name];
    if (!container) throw new Error(`Blob function ${fn.name} has no container in BLOB_SUBSCRIPTIONS.`);
    const subscription = await storage.subscribe({
      endpoint: `${hostUrl}/runtime/webhooks/blobs?functionName=Host.Functions.${fn.name}`,
      container,
    });
    if (!subscription.validated) throw new Error(`The blob webhook of ${fn.name} did not answer the handshake.`);
    subscribed.push(fn.name);
  }
  return subscribed;
}
