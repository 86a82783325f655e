import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { handleInboundSms } from '../shared/messaging/handleInboundSms';
import { ValidationError, safeMessage } from '../shared/errors';

// Microsoft.Communication.SMSReceived (STOP/START/HELP compliance) and SMSDeliveryReportReceived.
export async function smsReceived(event: EventGridEvent, context: InvocationContext): Promise<void> {
  if (event.eventType === 'Microsoft.Communication.SMSDeliveryReportReceived') {
    context.info('sms delivery report', { status: (event.data as { deliveryStatus?: string }).deliveryStatus });
    return;
  }
  if (event.eventType !== 'Microsoft.Communication.SMSReceived') return;
  const { sms, optOut } = getServices();
  try {
    const result = await handleInboundSms(event.data, { sms, optOut });
    context.info('sms received', result);
  } catch (error) {
    if (error instanceof ValidationError) {
      context.warn('sms event rejected', { reason: safeMessage(error), eventId: event.id });
      return;
    }
    throw error;
  }
}

app.eventGrid('smsReceived', { handler: smsReceived });
