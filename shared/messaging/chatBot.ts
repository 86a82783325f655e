import type { ChatClient } from '@azure/communication-chat';
import { z } from 'zod';
import { ValidationError } from '../errors';

const chatMessage = z
  .object({
    threadId: z.string().min(1),
    messageId: z.string().min(1),
    messageBody: z.string(),
    type: z.string().optional(),
    senderCommunicationIdentifier: z.object({ rawId: z.string().min(1) }).passthrough(),
  })
  .passthrough();

export type ChatOutcome = 'own-message' | 'agent-message' | 'answered' | 'escalated' | 'closed';

export interface ChatBotDeps {
  chat: ChatClient;
  botUserId: string;
  agentUserId?: string;
  /** Saves the thread for the insights pipeline (chat-exports/{threadId}.json). */
  exportThread: (threadId: string, messages: unknown[]) => Promise<void>;
}

const ESCALATE = /\b(agent|human|person|representative|someone real)\b/i;
const CLOSE = /^\s*(bye|goodbye|that'?s all|no thanks?|thank you,? bye)\b/i;
const ANSWERS: { when: RegExp; reply: string }[] = [
  {
    when: /\b(hours?|open|closed?)\b/i,
    reply: 'We are open Monday to Friday 8am to 8pm and Saturday 9am to 1pm, New York time.',
  },
  {
    when: /\b(bill|invoice|charge|payment|refund)\b/i,
    reply:
      'I can help with billing. Could you tell me what looks wrong on your bill? Type "agent" at any time to reach a person.',
  },
  {
    when: /\b(address|move|moving)\b/i,
    reply:
      'You can change your address in the app under Profile. Type "agent" if you would like a person to do it for you.',
  },
];
const FALLBACK = 'I can help with opening hours, billing and address changes. Type "agent" to talk to a person.';

/**
 * The chat bot for one ChatMessageReceivedInThread event: answers in the thread as its own identity, never
 * answers itself or a person who has taken over, escalates to a person on request, and exports the thread
 * for a summary when it hands over or the customer says goodbye.
 */
export async function handleChatMessage(data: unknown, deps: ChatBotDeps): Promise<ChatOutcome> {
  const parsed = chatMessage.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `ChatMessageReceivedInThread is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  const { threadId, messageBody } = parsed.data;
  const sender = parsed.data.senderCommunicationIdentifier.rawId;
  if (sender === deps.botUserId) return 'own-message';
  if (deps.agentUserId && sender === deps.agentUserId) return 'agent-message';
  const thread = deps.chat.getChatThreadClient(threadId);
  const text = messageBody.replace(/<[^>]*>/g, ' ');

  if (ESCALATE.test(text) && deps.agentUserId) {
    await thread.addParticipants({
      participants: [{ id: { communicationUserId: deps.agentUserId }, displayName: 'Contoso agent' }],
    });
    await thread.sendMessage(
      { content: 'I am connecting you with a colleague who will pick up this conversation.' },
      { senderDisplayName: 'Contoso assistant' },
    );
    await exportThread(threadId, deps);
    return 'escalated';
  }
  if (CLOSE.test(text)) {
    await thread.sendMessage(
      { content: 'Thanks for chatting with Contoso. Goodbye!' },
      { senderDisplayName: 'Contoso assistant' },
    );
    await exportThread(threadId, deps);
    return 'closed';
  }
  const reply = ANSWERS.find((a) => a.when.test(text))?.reply ?? FALLBACK;
  await thread.sendMessage({ content: reply }, { senderDisplayName: 'Contoso assistant' });
  return 'answered';
}

async function exportThread(threadId: string, deps: ChatBotDeps): Promise<void> {
  const messages: unknown[] = [];
  for await (const message of deps.chat.getChatThreadClient(threadId).listMessages()) messages.push(message);
  await deps.exportThread(threadId, messages);
}
