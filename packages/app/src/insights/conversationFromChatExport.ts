import { z } from 'zod';
import {
  CONVERSATION_SCHEMA_VERSION,
  parseConversation,
  type Conversation,
  type ConversationRole,
  type Participant,
  type Turn,
} from '@switchboard/core/conversation';
import { DeadLetterError } from '@switchboard/core/deadLetterError';

// A chat export (`chat-exports/{threadId}.json`) is what the ACS chat SDK's listMessages returned for a
// thread, serialised: either the bare array of messages or { threadId, topic?, participants?, messages }.

const identifier = z
  .object({ communicationUserId: z.string().optional(), kind: z.string().optional(), rawId: z.string().optional() })
  .passthrough();

const chatMessageSchema = z
  .object({
    id: z.string().min(1),
    type: z.string().min(1),
    sequenceId: z.union([z.string(), z.number()]),
    createdOn: z.union([z.iso.datetime({ offset: true }), z.date()]),
    senderDisplayName: z.string().optional(),
    sender: identifier.optional(),
    content: z.object({ message: z.string().optional() }).passthrough().optional(),
    deletedOn: z.unknown().optional(),
  })
  .passthrough();

const exportParticipantSchema = z.object({
  id: z.string().min(1),
  role: z.enum(['customer', 'agent', 'bot']).optional(),
  displayName: z.string().optional(),
});

const envelopeSchema = z.object({
  threadId: z.string().optional(),
  topic: z.string().optional(),
  participants: z.array(exportParticipantSchema).optional(),
  messages: z.array(chatMessageSchema),
});

type ChatMessage = z.infer<typeof chatMessageSchema>;

export interface ChatExportOptions {
  /** The thread id, from the blob name when the export does not carry it. */
  threadId: string;
  /** Known roles by ACS user id (the bot's own identity, agents' identities); others are inferred. */
  roles?: Record<string, ConversationRole>;
}

/**
 * Converts a chat export into a conversation (source 'chat'). Only user-visible messages (text, html)
 * become turns, in sequence order; system messages (topicUpdated, participantAdded...) are skipped.
 * Roles: from `options.roles`, then the export's participants, then a bot-like display name, then the
 * first human sender is the customer and later ones are agents (a customer opens a support thread).
 */
export function conversationFromChatExport(input: unknown, options: ChatExportOptions): Conversation {
  const source = `chat export ${options.threadId}`;
  const value = typeof input === 'string' || Buffer.isBuffer(input) ? parseJsonOrDeadLetter(input, source) : input;
  // Checked against one shape or the other (not a union) so errors name the exact field.
  const parsed = envelopeSchema.safeParse(Array.isArray(value) ? { messages: value } : value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new DeadLetterError(
      'invalid_document',
      `${source} is not a list of chat messages:\n  - ${problems.join('\n  - ')}`,
      {
        details: problems,
      },
    );
  }
  const envelope = parsed.data;
  const declared = new Map((envelope.participants ?? []).map((p) => [p.id, p]));

  const messages = envelope.messages
    .filter((m) => (m.type === 'text' || m.type === 'html' || m.type === 'richtext/html') && !m.deletedOn)
    .filter((m) => senderId(m) !== undefined)
    .sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId));
  if (messages.length === 0) {
    throw new DeadLetterError('empty_transcript', `${source}: has no text messages from participants`);
  }

  const started = time(messages[0].createdOn);
  const participants = new Map<string, Participant>();
  const turns: Turn[] = [];
  for (const message of messages) {
    const id = senderId(message) as string;
    let participant = participants.get(id);
    if (!participant) {
      const known = declared.get(id);
      const displayName = message.senderDisplayName || known?.displayName;
      const role: ConversationRole =
        options.roles?.[id] ??
        known?.role ??
        (/\bbot\b|assistant|virtual agent/i.test(displayName ?? '')
          ? 'bot'
          : [...participants.values()].some((p) => p.role === 'customer')
            ? 'agent'
            : 'customer');
      participant = { id, role, ...(displayName ? { displayName } : {}) };
      participants.set(id, participant);
    }
    const text =
      message.type === 'text' ? (message.content?.message ?? '') : htmlToText(message.content?.message ?? '');
    turns.push({
      participantId: id,
      role: participant.role,
      text,
      offsetMs: Math.max(0, time(message.createdOn) - started),
    });
  }

  const last = turns[turns.length - 1];
  return parseConversation(
    {
      schemaVersion: CONVERSATION_SCHEMA_VERSION,
      id: safeId(envelope.threadId || options.threadId),
      source: 'chat',
      channel: 'chat',
      startedAt: new Date(started).toISOString(),
      durationMs: last.offsetMs,
      participants: [...participants.values()],
      turns,
      metadata: {
        threadId: envelope.threadId || options.threadId,
        messageCount: turns.length,
        ...(envelope.topic ? { topic: envelope.topic } : {}),
      },
    },
    source,
  );
}

function senderId(message: ChatMessage): string | undefined {
  return message.sender?.communicationUserId ?? message.sender?.rawId;
}

function time(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

// ACS thread ids look like "19:abc...@thread.v2"; blob names and conversation ids need a safe subset.
/** The conversation (and summary) id of a chat thread: its id with the characters blob names avoid replaced. */
export function chatConversationId(threadId: string): string {
  return safeId(threadId);
}

function safeId(threadId: string): string {
  return (
    threadId
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 128) || 'chat'
  );
}

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function parseJsonOrDeadLetter(input: string | Buffer, source: string): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(input) ? input.toString('utf8') : input);
  } catch {
    throw new DeadLetterError('invalid_json', `${source}: is not valid JSON`);
  }
}
