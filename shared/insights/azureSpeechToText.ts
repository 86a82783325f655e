import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { AzureRestClient } from './azureRestClient';
import type { Turn } from './conversation';
import { participantForChannel, wavBytes, type SpeechToText, type TranscribeOptions } from './transcribe';
import { AUDIO_CONTENT_TYPES, readWavInfo, sniffAudio } from './wav';

// Azure AI Speech fast transcription (synchronous REST, api-version 2024-11-15): multipart upload of the
// audio (WAV, MP3, FLAC, OGG, MP4) and a JSON definition; answers phrases with offsets. Multi-channel WAV
// is transcribed per channel ("channels": [0, 1]; the service takes at most two), mono as one stream.

export interface AzureSpeechToTextOptions {
  /** SPEECH_ENDPOINT: the resource's custom-domain endpoint (required for Microsoft Entra tokens). */
  endpoint: string;
  credential: TokenCredential;
  apiVersion?: string;
  ca?: string;
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
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
  private readonly client: AzureRestClient;

  constructor(private readonly options: AzureSpeechToTextOptions) {
    this.client = new AzureRestClient({
      endpoint: options.endpoint,
      credential: options.credential,
      ca: options.ca,
      maxRetries: options.maxRetries,
      sleep: options.sleep,
      serviceName: 'Azure AI Speech',
      timeoutMs: 10 * 60_000, // fast transcription answers when done: minutes for long calls
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
    const boundary = `----switchboard${randomUUID().replace(/-/g, '')}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="audio.${container}"\r\nContent-Type: ${AUDIO_CONTENT_TYPES[container]}\r\n\r\n`,
      ),
      audio,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="definition"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(definition)}\r\n--${boundary}--\r\n`,
      ),
    ]);
    const { body: result } = await this.client.request({
      method: 'POST',
      path: 'speechtotext/transcriptions:transcribe',
      query: { 'api-version': this.options.apiVersion ?? '2024-11-15' },
      body,
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
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
