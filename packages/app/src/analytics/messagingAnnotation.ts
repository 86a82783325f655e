import type { ConversationState } from '../messaging/conversationStore';
import type { ConversationAnnotation } from './conversationAnnotation';

/**
 * A messaging conversation's annotation when it goes idle: handed to a person (transferred, to the agent's
 * hand-off queue) or answered by the agent alone (contained). Its duration runs to its last message.
 */
export function messagingAnnotation(
  state: ConversationState,
  handoffQueue: string | undefined,
): ConversationAnnotation {
  const annotation: ConversationAnnotation = {
    conversationId: state.conversationId,
    channel: state.channel,
    line: state.agent,
    startedAt: state.startedAt,
    durationMs: Math.max(0, Date.parse(state.lastActivityAt) - Date.parse(state.startedAt)),
    handling: state.status === 'handedOff' ? 'transferred' : 'contained',
  };
  if (state.status === 'handedOff') annotation.transferredTo = handoffQueue ?? 'person';
  if (state.customer) annotation.customer = state.customer;
  if (state.business) annotation.address = state.business;
  return annotation;
}
