import { readFile } from 'node:fs/promises';
import {
  CONVERSATION_SCHEMA_VERSION,
  parseConversation,
  type Conversation,
  type ConversationRole,
  type Turn,
} from '../conversation';

// The speech-to-text port: a WAV recording in, speaker turns out. A mixed (mono) recording gives one
// turn stream (no diarisation); an unmixed, multi-channel one gives one stream per channel, each channel
// mapped to a participant and role (ACS unmixed recordings put one participant on each channel).

export interface TranscribeOptions {
  /** BCP-47 locale of the speech, e.g. en-US. */
  locale?: string;
  /** Roles of channels 0, 1, ... of a multi-channel recording (default: customer, agent). */
  channelRoles?: ConversationRole[];
  /** Role of the single stream of a mixed recording (default: customer). */
  mixedRole?: ConversationRole;
  /** Names the audio in errors, e.g. the blob path. */
  sourceName?: string;
}

export interface SpeechToText {
  readonly name: string;
  /** Transcribes a WAV file (bytes or a path) into turns ordered by offset. */
  transcribe(wav: Buffer | string, options?: TranscribeOptions): Promise<Turn[]>;
}

export function participantForChannel(
  channel: number | undefined,
  options: TranscribeOptions,
): { participantId: string; role: ConversationRole } {
  if (channel === undefined) return { participantId: 'mixed', role: options.mixedRole ?? 'customer' };
  const roles = options.channelRoles ?? ['customer', 'agent'];
  return { participantId: `channel-${channel}`, role: roles[channel] ?? 'agent' };
}

export async function wavBytes(wav: Buffer | string): Promise<Buffer> {
  return typeof wav === 'string' ? readFile(wav) : wav;
}

/** Wraps transcribed turns into a conversation document (source: recording). */
export function conversationFromTranscription(input: {
  id: string;
  startedAt: string;
  turns: Turn[];
  durationMs?: number;
  channel?: string;
  metadata?: Record<string, unknown>;
}): Conversation {
  const participants = new Map<string, { id: string; role: ConversationRole }>();
  for (const t of input.turns)
    if (!participants.has(t.participantId)) participants.set(t.participantId, { id: t.participantId, role: t.role });
  return parseConversation(
    {
      schemaVersion: CONVERSATION_SCHEMA_VERSION,
      id: input.id,
      source: 'recording',
      channel: input.channel ?? 'voice',
      startedAt: input.startedAt,
      ...(input.durationMs !== undefined ? { durationMs: input.durationMs } : {}),
      participants: [...participants.values()],
      turns: input.turns,
      metadata: input.metadata ?? {},
    },
    `transcript ${input.id}`,
  );
}
