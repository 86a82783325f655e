import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { getInsightsBlobs } from '../src/app/insightsServices';
import { getMessaging } from '../src/app/messagingServices';
import { Containers } from '../src/summaries/insightsBlobs';
import { dropIfInvalid } from '@switchboard/core/errors';
import { outboundCallStarter } from './placeCall';
import { inEventGridSchema } from '../src/acs/eventGridSchemas';

// Microsoft.Communication.ChatMessageReceivedInThread: the messaging agent, answering as the bot's own ACS identity.
export async function chatMessageReceived(received: EventGridEvent, context: InvocationContext): Promise<void> {
  const event = inEventGridSchema(received); // either schema the trigger supports
  if (event.eventType !== 'Microsoft.Communication.ChatMessageReceivedInThread') return;
  const { config, botChat } = await getServices();
  if (!botChat || !config.chat.botUserId) {
    context.warn('chat message ignored: set CHAT_BOT_USER_ID to the bot identity to answer chats');
    return;
  }
  const messaging = await getMessaging();
  const botUserId = config.chat.botUserId;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ handleChatMessage }, { chatConversationId }] = await Promise.all([
    import('../src/messaging/chatBot.js'),
    import('../src/insights/conversationFromChatExport.js'),
  ]);
  const outcome = await dropIfInvalid(
    () =>
      handleChatMessage(event.data, {
        chat: botChat,
        botUserId,
        agentUserId: config.chat.agentUserId,
        claims: messaging.claims,
        conversations: messaging.conversations,
        chatAgent: messaging.chatAgent,
        modelFor: messaging.modelFor,
        exportConversation: messaging.exportConversation,
        conversationEnded: messaging.conversationEnded,
        startCallBack: outboundCallStarter(context),
        exportThread: async (threadId, messages) =>
          (await getInsightsBlobs()).putJson(Containers.chatExports, `${chatConversationId(threadId)}.json`, {
            threadId,
            messages,
          }),
      }),
    (reason) => context.warn('chat event rejected', { reason, eventId: event.id }),
  );
  if (outcome) context.info('chat message handled', { outcome });
}

app.eventGrid('chatMessageReceived', { handler: chatMessageReceived, extraInputs: [df.input.durableClient()] });
