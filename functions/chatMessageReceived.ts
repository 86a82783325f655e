import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { getInsights } from '../shared/app/insightsServices';
import { handleChatMessage } from '../shared/messaging/chatBot';
import { Containers } from '../shared/summaries/insightsBlobs';
import { chatConversationId } from '../shared/insights/conversationFromChatExport';
import { ValidationError, safeMessage } from '../shared/errors';

// Microsoft.Communication.ChatMessageReceivedInThread: the chat bot, answering as its own ACS identity.
export async function chatMessageReceived(event: EventGridEvent, context: InvocationContext): Promise<void> {
  if (event.eventType !== 'Microsoft.Communication.ChatMessageReceivedInThread') return;
  const { config, botChat } = getServices();
  if (!botChat || !config.chat.botUserId) {
    context.warn('chat message ignored: set CHAT_BOT_USER_ID to the bot identity to answer chats');
    return;
  }
  try {
    const outcome = await handleChatMessage(event.data, {
      chat: botChat,
      botUserId: config.chat.botUserId,
      agentUserId: config.chat.agentUserId,
      exportThread: (threadId, messages) => getInsights().blobs.putJson(Containers.chatExports, `${chatConversationId(threadId)}.json`, { threadId, messages }),
    });
    context.info('chat message handled', { outcome });
  } catch (error) {
    if (error instanceof ValidationError) {
      context.warn('chat event rejected', { reason: safeMessage(error), eventId: event.id });
      return;
    }
    throw error;
  }
}

app.eventGrid('chatMessageReceived', { handler: chatMessageReceived });
