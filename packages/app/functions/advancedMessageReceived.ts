import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { getMessaging } from '../src/app/messagingServices';
import { Containers } from '../src/summaries/insightsBlobs';
import { getInsightsBlobs } from '../src/app/insightsServices';
import { dropIfInvalid } from '@switchboard/core/errors';
import { outboundCallStarter } from './placeCall';
import { inEventGridSchema } from '../src/acs/eventGridSchemas';

export const MEDIA_CONTAINER = Containers.media;

// Microsoft.Communication.AdvancedMessageReceived (WhatsApp: the messaging agent of the channel) and
// AdvancedMessageDeliveryStatusUpdated (a failed message is recorded on its conversation, not resent).
export async function advancedMessageReceived(received: EventGridEvent, context: InvocationContext): Promise<void> {
  const event = inEventGridSchema(received); // either schema the trigger supports
  const messaging = await getMessaging();
  if (event.eventType === 'Microsoft.Communication.AdvancedMessageDeliveryStatusUpdated') {
    const status = event.data as { status?: string; from?: string; to?: string; error?: { channelCode?: string } };
    context.info('whatsapp delivery status', { status: status.status, channelCode: status.error?.channelCode });
    if (status.status?.toLowerCase() === 'failed' && status.from && status.to) {
      const to = status.to.startsWith('+') ? status.to : `+${status.to}`;
      const { conversationKey } = await import('../src/messaging/conversationStore.js'); // loaded with messaging
      await messaging.conversations.recordDeliveryFailure(conversationKey('whatsapp', to, status.from));
    }
    return;
  }
  if (event.eventType !== 'Microsoft.Communication.AdvancedMessageReceived') return;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ optOut }, { handleWhatsAppMessage }] = await Promise.all([
    getServices(),
    import('../src/messaging/handleWhatsAppMessage.js'),
  ]);
  const outcome = await dropIfInvalid(
    () =>
      handleWhatsAppMessage(event.data, event.id ?? '', {
        whatsApp: messaging.whatsApp,
        optOut,
        claims: messaging.claims,
        conversations: messaging.conversations,
        agentFor: messaging.agentForWhatsApp,
        modelFor: messaging.modelFor,
        exportConversation: messaging.exportConversation,
        conversationEnded: messaging.conversationEnded,
        startCallBack: outboundCallStarter(context),
        storeMedia: async (name, bytes, contentType) => {
          const container = await (await getInsightsBlobs()).container(MEDIA_CONTAINER);
          await container
            .getBlockBlobClient(name)
            .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
        },
      }),
    (reason) => context.warn('whatsapp event rejected', { reason, eventId: event.id }),
  );
  if (outcome) context.info('whatsapp message handled', { outcome });
}

app.eventGrid('advancedMessageReceived', {
  handler: advancedMessageReceived,
  extraInputs: [df.input.durableClient()],
});
