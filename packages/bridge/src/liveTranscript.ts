import { RestError, type BlobServiceClient } from '@azure/storage-blob';
import { ConflictError } from '@switchboard/core/errors';
import {
  CONVERSATION_SCHEMA_VERSION,
  type Conversation,
  type Participant,
  type Turn,
} from '@switchboard/core/conversation';

// A call's live transcript (the agent's conversation and/or ACS real-time transcription), written once to
// transcripts/{callId}.json in the conversation format when the call's last stream closes, so the insights
// pipeline redacts and summarises it exactly once; never overwritten. Participant ids never carry phone numbers.

export class LiveTranscript {
  readonly startedAt = Date.now();
  private readonly turns: Turn[] = [];
  private readonly participants = new Map<string, Participant>();
  private readonly callers = new Map<string, string>();

  /** Set when ACS real-time transcription feeds this call: caller turns then come from it alone. */
  callerFromTranscription = false;

  constructor(readonly callId: string) {}

  get turnCount(): number {
    return this.turns.length;
  }

  /** What a caller said; `speaker` is ACS's participant raw id (mapped to caller-1, caller-2, ...). */
  caller(
    text: string,
    options: {
      speaker?: string;
      offsetMs?: number;
      durationMs?: number;
      confidence?: number;
      fromTranscription?: boolean;
    } = {},
  ): void {
    if (this.callerFromTranscription && !options.fromTranscription) return;
    const key = options.speaker ?? '';
    let id = this.callers.get(key);
    if (!id) {
      id = `caller-${this.callers.size + 1}`;
      this.callers.set(key, id);
    }
    this.add({ id, role: 'customer' }, text, options);
  }

  /** What the voice agent said; returns the turn's index so a barge-in can cut it. */
  agent(text: string): number {
    this.add({ id: 'assistant', role: 'bot', displayName: 'Voice agent' }, text, {});
    return this.turns.length - 1;
  }

  /** Keeps only the share of an agent turn the caller heard before interrupting. */
  cut(index: number, heardShare: number): void {
    const turn = this.turns[index];
    if (!turn || heardShare >= 1) return;
    const words = turn.text.split(/\s+/);
    turn.text = `${words.slice(0, Math.max(0, Math.round(words.length * heardShare))).join(' ')}...`;
  }

  private add(
    participant: Participant,
    text: string,
    options: { offsetMs?: number; durationMs?: number; confidence?: number },
  ): void {
    if (!text.trim()) return;
    if (!this.participants.has(participant.id)) this.participants.set(participant.id, participant);
    this.turns.push({
      participantId: participant.id,
      role: participant.role,
      text: text.trim(),
      offsetMs: Math.max(0, Math.round(options.offsetMs ?? Date.now() - this.startedAt)),
      ...(options.durationMs !== undefined ? { durationMs: Math.max(0, Math.round(options.durationMs)) } : {}),
      ...(options.confidence !== undefined ? { confidence: Math.min(1, Math.max(0, options.confidence)) } : {}),
    });
  }

  toConversation(): Conversation {
    return {
      schemaVersion: CONVERSATION_SCHEMA_VERSION,
      id: this.callId,
      source: 'live-transcript',
      channel: 'voice',
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: Date.now() - this.startedAt,
      participants: [...this.participants.values()],
      turns: [...this.turns].sort((a, b) => a.offsetMs - b.offsetMs),
      metadata: {},
    };
  }
}

export interface TranscriptStore {
  save(conversation: Conversation): Promise<void>;
}

/** How many later transcripts a call may have (a second voiceAgent step, a reconnect after the last stream closed). */
const MAX_LATER = 20;

/**
 * Writes each live transcript once: `transcripts/{callId}.json`, never overwritten (the insights pipeline has
 * summarised it, and nothing later may replace what a call said); a later one for the same call goes under a new
 * name and id, `{callId}-live-2.json`, `-live-3`, ..., so its summary does not replace the first either.
 */
export function blobTranscriptStore(blobs: BlobServiceClient): TranscriptStore {
  const container = blobs.getContainerClient('transcripts');
  let created: Promise<unknown> | undefined;
  return {
    async save(conversation) {
      created ??= container.createIfNotExists().catch(() => (created = undefined));
      await created;
      for (let n = 1; n <= MAX_LATER + 1; n++) {
        const id = n === 1 ? conversation.id : `${conversation.id}-live-${n}`;
        const body = JSON.stringify({ ...conversation, id });
        try {
          await container.getBlockBlobClient(`${id}.json`).upload(body, Buffer.byteLength(body), {
            blobHTTPHeaders: { blobContentType: 'application/json' },
            conditions: { ifNoneMatch: '*' },
          });
          return;
        } catch (error) {
          // Taken: 409 BlobAlreadyExists (412 from a store that reports the failed condition instead).
          if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) throw error;
        }
      }
      throw new ConflictError(`the call already has ${MAX_LATER + 1} live transcripts`);
    },
  };
}
