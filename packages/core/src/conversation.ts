import { z } from 'zod';
import { DeadLetterError } from './deadLetterError';

// The one document every transcript source is normalised into (recording transcripts, live transcripts
// from the media bridge, chat exports). Versioned so a reader can refuse what it does not understand.

export const CONVERSATION_SCHEMA_VERSION = 1;

/** A conversation id names blobs. Call ids are base64url (callIdFor), so "-" and "_" may come first. */
export const CONVERSATION_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export const conversationRoles = ['customer', 'agent', 'bot'] as const;
export type ConversationRole = (typeof conversationRoles)[number];

export const conversationSources = ['recording', 'live-transcript', 'chat'] as const;
export type ConversationSource = (typeof conversationSources)[number];

const role = z.enum(conversationRoles);
const nonNegativeMs = z.number().int().nonnegative();

export const participantSchema = z.object({
  id: z.string().min(1),
  role,
  displayName: z.string().optional(),
});

export const turnSchema = z.object({
  participantId: z.string().min(1),
  role,
  text: z.string(),
  offsetMs: nonNegativeMs,
  durationMs: nonNegativeMs.optional(),
  confidence: z.number().min(0).max(1).optional(),
});

export const conversationSchema = z
  .object({
    schemaVersion: z.literal(CONVERSATION_SCHEMA_VERSION),
    id: z
      .string()
      .regex(CONVERSATION_ID, 'must be 1-128 letters, digits, ".", "_" or "-", not starting with "." (it names blobs)'),
    source: z.enum(conversationSources),
    channel: z.string().min(1),
    startedAt: z.iso.datetime({ offset: true }),
    durationMs: nonNegativeMs.optional(),
    participants: z.array(participantSchema),
    turns: z.array(turnSchema),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    c.participants.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['participants', i, 'id'], message: 'is a duplicate participant id' });
      ids.add(p.id);
    });
    c.turns.forEach((t, i) => {
      if (!ids.has(t.participantId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['turns', i, 'participantId'],
          message: 'names no participant in participants[]',
        });
      }
    });
  });

export type Participant = z.infer<typeof participantSchema>;
export type Turn = z.infer<typeof turnSchema>;
export type Conversation = z.infer<typeof conversationSchema>;

/**
 * Parses and validates a conversation from a blob's bytes, a JSON string or an already parsed value.
 * Throws DeadLetterError (a ValidationError) naming each wrong field, with a reason the caller can file.
 */
export function parseConversation(input: unknown, sourceName = 'conversation'): Conversation {
  const value = typeof input === 'string' || Buffer.isBuffer(input) ? parseJson(input, sourceName) : input;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DeadLetterError('invalid_document', `${sourceName}: must be a JSON object`);
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== CONVERSATION_SCHEMA_VERSION) {
    throw new DeadLetterError(
      'unsupported_schema_version',
      `${sourceName}: schemaVersion ${JSON.stringify(version) ?? 'is missing'}${version === undefined ? '' : ' is not supported'}; expected ${CONVERSATION_SCHEMA_VERSION}`,
    );
  }
  const parsed = conversationSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new DeadLetterError(
      'invalid_document',
      `${sourceName} is not a valid conversation:\n  - ${problems.join('\n  - ')}`,
      {
        details: problems,
      },
    );
  }
  return parsed.data;
}

/** Throws DeadLetterError('empty_transcript') when no turn has any text: nothing to summarise. */
export function assertHasSpeech(conversation: Conversation, sourceName = conversation.id): void {
  if (!conversation.turns.some((t) => t.text.trim().length > 0)) {
    throw new DeadLetterError('empty_transcript', `${sourceName}: the transcript has no turns with text`);
  }
}

function parseJson(input: string | Buffer, sourceName: string): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(input) ? input.toString('utf8') : input);
  } catch (error) {
    // The parser's message quotes the offending text, which may be personal data: keep only the position.
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    throw new DeadLetterError(
      'invalid_json',
      `${sourceName}: is not valid JSON${position ? ` (at character ${position})` : ''}`,
    );
  }
}

/** JSON Schema (draft 2020-12) of the conversation document, for producers in other languages and editors. */
export function conversationJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://switchboard.local/schemas/conversation-v1.json',
    title: 'Switchboard conversation document, schemaVersion 1',
    ...z.toJSONSchema(conversationSchema, { io: 'input', unrepresentable: 'any' }),
  };
}
