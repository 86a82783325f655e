import { conversationFromTranscription, type SpeechToText } from '@switchboard/core/audio/transcribe';
import { isDeadLetterError } from '@switchboard/core/deadLetterError';
import { UnsupportedError } from '@switchboard/core/errors';
import { Containers, type InsightsBlobs } from './insightsBlobs';

/**
 * `recordings/{callId}/{index}.{ext}` -> `transcripts/{callId}.json` (chunk 0) or `{callId}-{index}.json`.
 * Audio that cannot be read, or speech-to-text that is not installed, goes to `deadletter/` with the reason.
 */
export async function transcribeRecordingBlob(
  callId: string,
  file: string,
  audio: Buffer,
  metadata: Record<string, string | undefined>,
  deps: { speech: SpeechToText; blobs: InsightsBlobs },
): Promise<{ outcome: 'transcribed' | 'dead-lettered'; reason?: string }> {
  const index = Number(/^(\d+)\./.exec(file)?.[1] ?? 0);
  const source = `${Containers.recordings}/${callId}/${file}`;
  try {
    const turns = await deps.speech.transcribe(audio, { sourceName: source, channelRoles: ['customer', 'agent'] });
    const conversation = conversationFromTranscription({
      id: index === 0 ? callId : `${callId}-${index}`,
      startedAt: metadata.starttime || new Date(0).toISOString(),
      durationMs: metadata.durationms ? Number(metadata.durationms) : undefined,
      turns,
      metadata: { speechToText: deps.speech.name, recording: source },
    });
    await deps.blobs.putJson(Containers.transcripts, `${conversation.id}.json`, conversation);
    return { outcome: 'transcribed' };
  } catch (error) {
    // Unsupported: no local speech-to-text installed, or a format it cannot decode; both need a person.
    const reason = isDeadLetterError(error)
      ? error.reason
      : error instanceof UnsupportedError
        ? 'stt_unavailable'
        : undefined;
    if (!reason) throw error;
    await deps.blobs.deadLetter(source, reason, (error as Error).message);
    return { outcome: 'dead-lettered', reason };
  }
}
