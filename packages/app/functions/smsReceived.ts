import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { getMessaging } from '../src/app/messagingServices';
import { dropIfInvalid } from '@switchboard/core/errors';
import { outboundCallStarter } from './placeCall';
import { inEventGridSchema } from '../src/acs/eventGridSchemas';

// Microsoft.Communication.SMSReceived (STOP/START/HELP compliance, then the messaging agent) and
// SMSDeliveryReportReceived (a failed reply is recorded on its conversation, never retried).
export async function smsReceived(received: EventGridEvent, context: InvocationContext): Promise<void> {
  const event = inEventGridSchema(received); // either schema the trigger supports
  const messaging = await getMessaging();
  if (event.eventType === 'Microsoft.Communication.SMSDeliveryReportReceived') {
    const report = event.data as { deliveryStatus?: string; from?: string; to?: string };
    context.info('sms delivery report', { status: report.deliveryStatus });
    if (report.deliveryStatus === 'Failed' && report.from && report.to) {
      const { conversationKey } = await import('../src/messaging/conversationStore.js'); // loaded with messaging
      await messaging.conversations.recordDeliveryFailure(conversationKey('sms', report.to, report.from));
    }
    return;
  }
  if (event.eventType !== 'Microsoft.Communication.SMSReceived') return;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ sms, optOut }, { handleInboundSms }] = await Promise.all([
    getServices(),
    import('../src/messaging/handleInboundSms.js'),
  ]);
  const result = await dropIfInvalid(
    () =>
      handleInboundSms(event.data, {
        sms,
        optOut,
        claims: messaging.claims,
        conversations: messaging.conversations,
        agentFor: messaging.agentForNumber,
        modelFor: messaging.modelFor,
        exportConversation: messaging.exportConversation,
        conversationEnded: messaging.conversationEnded,
        startCallBack: outboundCallStarter(context),
      }),
    (reason) => context.warn('sms event rejected', { reason, eventId: event.id }),
  );
  if (result) context.info('sms received', typeof result === 'string' ? { outcome: result } : result);
}

app.eventGrid('smsReceived', { handler: smsReceived, extraInputs: [df.input.durableClient()] });
