import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { offlineModule } from '@switchboard/core/offlineModule';
import type { BridgeConfig } from './bridgeConfig';
import { OpenAiRealtimeProvider } from './providers/openAiRealtimeProvider';
import { VoiceLiveProvider } from './providers/voiceLiveProvider';
import type { VoiceModelProvider } from './providers/voiceModel';

/** The provider the settings name; cloud providers use the bridge's managed identity. */
export function createProvider(
  provider: BridgeConfig['provider'],
  credential: TokenCredential = new DefaultAzureCredential(),
): VoiceModelProvider {
  if (provider.name === 'voicelive')
    return new VoiceLiveProvider({
      endpoint: provider.endpoint,
      model: provider.model,
      credential,
      defaultVoice: provider.voice,
    });
  if (provider.name === 'openai-realtime')
    return new OpenAiRealtimeProvider({
      endpoint: provider.endpoint,
      deployment: provider.deployment,
      credential,
      voice: provider.voice,
    });
  const local = offlineModule<{ createLocalProvider: () => VoiceModelProvider }>(
    'voiceAgent/createLocalProvider',
    'VOICE_AGENT_PROVIDER=local',
  );
  return local.createLocalProvider();
}
