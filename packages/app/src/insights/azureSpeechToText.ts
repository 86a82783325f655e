import type { TokenCredential } from '@azure/identity';
import { azureAiClient, expectStatus, send, type AzureAiClient } from './azureAiClient';
import type { Turn } from '@switchboard/core/conversation';
import {
  participantForChannel,
  wavBytes,
  type SpeechToText,
  type TranscribeOptions,
} from '@switchboard/core/audio/transcribe';
import { AUDIO_CONTENT_TYPES, readWavInfo, sniffAudio } from '@switchboard/audio/wav';

// Azure AI Speech fast transcription (synchronous REST, api-version 2024-11-15): multipart upload (a FormData) of
// the audio (WAV, MP3, FLAC, OGG, MP4) and a JSON definition; answers phrases with offsets. Multi-channel WAV
// is transcribed per channel ("channels": [0, 1]; the service takes at most two), mono as one stream.

export interface AzureSpeechToTextOptions {
  /** SPEECH_ENDPOINT: the resource's custom-domain endpoint (required for Microsoft Entra tokens). */
  endpoint: string;
  credential: TokenCredential;
  apiVersion?: string;
  ca?: string;
  maxRetries?: number;
}

interface FastTranscriptionResult {
  phrases?: Array<{
    channel?: number;
    offsetMilliseconds: number;
    durationMilliseconds: number;
    text: string;
    confidence?: number;
  }>;
}

export class AzureSpeechToText implements SpeechToText {
  readonly name = 'azure';
  private readonly client: AzureAiClient;

  constructor(private readonly options: AzureSpeechToTextOptions) {
    this.client = azureAiClient({
      endpoint: options.endpoint,
      credential: options.credential,
      ca: options.ca,
      maxRetries: options.maxRetries,
      serviceName: 'Azure AI Speech',
    });
  }

  async transcribe(wav: Buffer | string, options: TranscribeOptions = {}): Promise<Turn[]> {
    const audio = await wavBytes(wav);
    const container = sniffAudio(audio, options.sourceName);
    // Channels are read from WAV headers; other containers are transcribed as one mixed stream.
    const channels = container === 'wav' ? readWavInfo(audio, options.sourceName).channels : 1;
    const definition = {
      locales: [options.locale ?? 'en-US'],
      ...(channels > 1 ? { channels: Array.from({ length: Math.min(channels, 2) }, (_, i) => i) } : {}),
    };
    const form = new FormData();
    form.append('audio', new Blob([audio], { type: AUDIO_CONTENT_TYPES[container] }), `audio.${container}`);
    form.append('definition', JSON.stringify(definition));
    const what = 'fast transcription';
    const response = await send(this.client, what, () =>
      this.client.rest.pathUnchecked('/speechtotext/transcriptions:transcribe').post({
        queryParameters: { 'api-version': this.options.apiVersion ?? '2024-11-15' },
        contentType: 'multipart/form-data',
        body: form,
        // Fast transcription answers when it is done: minutes for a long call.
        timeout: 10 * 60_000,
      }),
    );
    expectStatus(this.client, what, response, '200');
    const result = response.body;
    return ((result as FastTranscriptionResult).phrases ?? [])
      .filter((p) => p.text.trim().length > 0)
      .map((p) => ({
        ...participantForChannel(channels > 1 ? (p.channel ?? 0) : undefined, options),
        text: p.text.trim(),
        offsetMs: Math.max(0, Math.round(p.offsetMilliseconds)),
        durationMs: Math.max(0, Math.round(p.durationMilliseconds)),
        ...(p.confidence !== undefined ? { confidence: Math.min(1, Math.max(0, p.confidence)) } : {}),
      }))
      .sort((a, b) => a.offsetMs - b.offsetMs);
  }
}
