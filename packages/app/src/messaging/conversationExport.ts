import { CONVERSATION_SCHEMA_VERSION, type Conversation } from '@switchboard/core/conversation';
import type { ConversationState } from './conversationStore';

/**
 * A messaging conversation in the conversation format the insights pipeline reads (transcripts/), built
 * from the stored (already redacted) history; the pipeline redacts again before it summarises.
 */
export function conversationForExport(state: ConversationState, reason: 'idle' | 'handoff'): Conversation {
  const started = Date.parse(state.startedAt);
  const turns = state.history.map((t) => ({
    participantId: t.role,
    role: t.role,
    text: t.text,
    offsetMs: Math.max(0, Date.parse(t.at) - started),
  }));
  const roles = [...new Set(turns.map((t) => t.role))];
  return {
    schemaVersion: CONVERSATION_SCHEMA_VERSION,
    id: state.conversationId,
    source: 'chat',
    channel: state.channel,
    startedAt: state.startedAt,
    durationMs: turns.length ? turns[turns.length - 1].offsetMs : 0,
    participants: roles.map((role) => ({ id: role, role })),
    turns,
    metadata: { agent: state.agent, endedBy: reason, messageCount: turns.length },
  };
}
