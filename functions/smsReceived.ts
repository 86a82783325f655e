import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { dropIfInvalid } from '../shared/errors';

// Microsoft.Communication.SMSReceived (STOP/START/HELP compliance) and SMSDeliveryReportReceived.
export async function smsReceived(event: EventGridEvent, context: InvocationContext): Promise<void> {
  if (event.eventType === 'Microsoft.Communication.SMSDeliveryReportReceived') {
    context.info('sms delivery report', { status: (event.data as { deliveryStatus?: string }).deliveryStatus });
    return;
  }
  if (event.eventType !== 'Microsoft.Communication.SMSReceived') return;
  // Its zod-validated parsing loads on first use, not when the worker starts (cold start).
  const [{ sms, optOut }, { handleInboundSms }] = await Promise.all([
    getServices(),
    import('../shared/messaging/handleInboundSms.js'),
  ]);
  const result = await dropIfInvalid(
    () => handleInboundSms(event.data, { sms, optOut }),
    (reason) => context.warn('sms event rejected', { reason, eventId: event.id }),
  );
  if (result) context.info('sms received', result);
}

app.eventGrid('smsReceived', { handler: smsReceived });
