import { DefaultAzureCredential } from '@azure/identity';
import { ConfigError } from '@switchboard/core/errors';
import type { Config } from '../config';
import { AzureSpeechToText } from './azureSpeechToText';
import type { InsightsDependencies } from './createInsightsProvider';
import { offlineModule } from '@switchboard/core/offlineModule';
import type { SpeechToText } from '@switchboard/core/audio/transcribe';

/** Speech-to-text for INSIGHTS_PROVIDER: Azure AI Speech fast transcription, or pocketsphinx offline. */
export function createSpeechToText(settings: Config['insights'], deps: InsightsDependencies = {}): SpeechToText {
  if (settings.provider === 'local') {
    const { PocketsphinxSpeechToText } = offlineModule<{ PocketsphinxSpeechToText: new () => SpeechToText }>(
      'speech/pocketsphinxSpeechToText',
      'INSIGHTS_PROVIDER=local',
    );
    return new PocketsphinxSpeechToText();
  }
  if (!settings.speechEndpoint) throw new ConfigError(['SPEECH_ENDPOINT: is required when INSIGHTS_PROVIDER=azure']);
  return new AzureSpeechToText({
    endpoint: settings.speechEndpoint,
    credential: deps.credential ?? new DefaultAzureCredential(),
    ca: deps.ca,
  });
}
