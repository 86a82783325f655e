import type { ChatClient } from '@azure/communication-chat';
import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { converse, maxCharsFor, type AgentMatch, type ConverseDeps, type ConverseOutcome } from './converse';
import { shorten } from './fitReply';
import type { MessageClaims } from './messageClaims';

const chatMessage = z
  .object({
    threadId: z.string().min(1),
    messageId: z.string().min(1),
    messageBody: z.string(),
    type: z.string().optional(),
    senderCommunicationIdentifier: z.object({ rawId: z.string().min(1) }).passthrough(),
  })
  .passthrough();

export type ChatOutcome = 'own-message' | 'agent-message' | 'duplicate' | 'no-agent' | 'closed' | ConverseOutcome;

export interface ChatBotDeps extends ConverseDeps {
  chat: ChatClient;
  botUserId: string;
  /** The person (or queue) the bot hands over to when the definition names none. */
  agentUserId?: string;
  claims: MessageClaims;
  chatAgent(): AgentMatch | undefined;
  /** Saves the thread for the insights pipeline (chat-exports/{threadId}.json). */
  exportThread: (threadId: string, messages: unknown[]) => Promise<void>;
}

const CLOSE = /^\s*(bye|goodbye|that'?s all|no thanks?|thank you,? bye)\b/i;
const BOT_NAME = 'Contoso assistant';

/**
 * The chat bot for one ChatMessageReceivedInThread event, once per message id: the messaging agent answers
 * in the thread as the bot's own identity, never answering itself or a person who has taken over; its
 * hand-off adds the person to the thread and exports the thread for a summary, as does a goodbye.
 */
export async function handleChatMessage(data: unknown, deps: ChatBotDeps): Promise<ChatOutcome> {
  const parsed = chatMessage.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `ChatMessageReceivedInThread is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  const { threadId, messageBody, messageId } = parsed.data;
  const sender = parsed.data.senderCommunicationIdentifier.rawId;
  if (sender === deps.botUserId) return 'own-message';
  const match = deps.chatAgent();
  const person = match?.agent.tools?.handoff?.to?.startsWith('8:') ? match.agent.tools.handoff.to : deps.agentUserId;
  if (person && sender === person) return 'agent-message';
  if (!match) return 'no-agent';
  const thread = deps.chat.getChatThreadClient(threadId);
  const text = messageBody.replace(/<[^>]*>/g, ' ');
  const say = (content: string) =>
    thread.sendMessage({ content }, { senderDisplayName: BOT_NAME }).then(() => undefined);

  return deps.claims.once('chat', messageId, async (): Promise<ChatOutcome> => {
    if (CLOSE.test(text)) {
      await say('Thanks for chatting with Contoso. Goodbye!');
      await exportThread(threadId, deps);
      return 'closed';
    }
    return converse(
      {
        channel: 'chat',
        messageId,
        customer: sender,
        business: threadId,
        text,
        agentName: match.name,
        agent: match.agent,
      },
      {
        send: (reply) => say(shorten(reply, maxCharsFor(match.agent, 'chat'))),
        handoff: async () => {
          if (!person) return;
          await thread.addParticipants({
            participants: [{ id: { communicationUserId: person }, displayName: 'Contoso agent' }],
          });
        },
        export: () => exportThread(threadId, deps),
      },
      deps,
    );
  });
}

async function exportThread(threadId: string, deps: ChatBotDeps): Promise<void> {
  const messages: unknown[] = [];
  for await (const message of deps.chat.getChatThreadClient(threadId).listMessages()) messages.push(message);
  await deps.exportThread(threadId, messages);
}
