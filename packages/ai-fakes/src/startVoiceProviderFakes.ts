import type { AddressInfo } from 'node:net';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { PocketsphinxSpeechToText } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { fakeManagedIdentity } from './fakeManagedIdentity';
import { startFakeRealtimeService } from './fakeRealtimeService';

// `npm start -- --voice-provider voicelive|openai-realtime`: the media bridge runs the Azure SDK provider named,
// against the strict realtime fake (the offline agent engine behind the real protocol), with a managed
// identity endpoint for its DefaultAzureCredential, so the Azure providers' code path can be tried offline.

export type VoiceProviderName = 'local' | 'voicelive' | 'openai-realtime';

export interface VoiceProviderFakes {
  /** The bridge's settings for the provider. */
  bridgeEnv: Record<string, string>;
  /** What .sandbox/sandbox.json says about them. */
  summary: Record<string, string>;
  /** Tokens the managed-identity endpoint has issued. */
  tokensIssued(): number;
  close(): Promise<void>;
}

export const REALTIME_DEPLOYMENT = 'gpt-realtime';
const AUDIENCES = {
  openai: ['https://cognitiveservices.azure.com'],
  voicelive: ['https://cognitiveservices.azure.com', 'https://ai.azure.com'],
};

export async function startVoiceProviderFakes(provider: VoiceProviderName): Promise<VoiceProviderFakes> {
  if (provider === 'local')
    return {
      bridgeEnv: { VOICE_AGENT_PROVIDER: 'local' },
      summary: { provider },
      tokensIssued: () => 0,
      close: () => Promise.resolve(),
    };
  const identity = fakeManagedIdentity();
  const realtime = await startFakeRealtimeService({
    mode: 'agent',
    engine: { stt: new PocketsphinxSpeechToText(), synthesize: (text) => synthesize(text, 'slt') },
    deployments: [REALTIME_DEPLOYMENT],
    // Only a token the identity endpoint issued for the service's audience opens a session, as Entra would have it:
    // Azure OpenAI takes Cognitive Services tokens; Voice Live also those for https://ai.azure.com, which its SDK
    // asks for.
    acceptToken: (token, dialect) => AUDIENCES[dialect].includes(identity.resourceOf(token) ?? ''),
  });
  await new Promise<void>((resolve) => identity.server.listen(0, '127.0.0.1', resolve));
  const identityEndpoint = `http://localhost:${(identity.server.address() as AddressInfo).port}/msi/token`;
  const credential = { IDENTITY_ENDPOINT: identityEndpoint, IDENTITY_HEADER: identity.header };
  const bridgeEnv =
    provider === 'voicelive'
      ? { VOICE_AGENT_PROVIDER: provider, VOICELIVE_ENDPOINT: realtime.url, ...credential }
      : {
          VOICE_AGENT_PROVIDER: provider,
          AZURE_OPENAI_ENDPOINT: realtime.url,
          AZURE_OPENAI_REALTIME_DEPLOYMENT: REALTIME_DEPLOYMENT,
          ...credential,
        };
  return {
    bridgeEnv,
    summary: { provider, realtimeEndpoint: realtime.url, identityEndpoint },
    tokensIssued: () => identity.requests.filter((r) => r.status === 200).length,
    async close() {
      await realtime.close();
      await new Promise<void>((resolve) => identity.server.close(() => resolve()));
    },
  };
}
