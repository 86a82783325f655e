// SMS REST route (HMAC): send to one or more recipients, with optional delivery reports via Event Grid.
import { randomUUID } from 'node:crypto';
import type { AcsContext } from '../context';
import { acsErrors } from '../errors';
import { isE164, phoneIdentifier } from '../identifiers';
import { route, type Route } from '../http/router';

const DELIVERY_DELAY_MS = 1_000;

export function smsRoutes(ctx: AcsContext): Route[] {
  return [
    route('POST', /^\/sms$/, 'hmac', 'sendSms', (req) => {
      const { from, smsRecipients, message, smsSendOptions } = req.body;
      if (!isE164(from)) throw acsErrors.invalidSender();
      const owned = ctx.options.phoneNumbers;
      if (owned.length > 0 && !owned.includes(from)) throw acsErrors.invalidSender();
      if (!Array.isArray(smsRecipients) || smsRecipients.length === 0)
        throw acsErrors.invalidBody("'smsRecipients' must list at least one recipient.");
      if (typeof message !== 'string' || message.length === 0) throw acsErrors.invalidBody("'message' is required.");
      if (message.length > 2048) throw acsErrors.invalidBody("'message' is longer than 2048 characters.");
      const options = (smsSendOptions ?? {}) as { enableDeliveryReport?: boolean; tag?: string };
      const value = smsRecipients.map((raw) => {
        const recipient = (raw ?? {}) as { to?: unknown; repeatabilityRequestId?: string };
        const to = typeof recipient.to === 'string' ? recipient.to : '';
        if (!isE164(recipient.to)) {
          return { to, httpStatusCode: 400, successful: false, errorMessage: 'Invalid To phone number format.' };
        }
        const earlier = ctx.sms.repeated(recipient.repeatabilityRequestId);
        if (earlier)
          return { to, messageId: earlier, httpStatusCode: 202, repeatabilityResult: 'accepted', successful: true };
        const messageId = `Outgoing_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID().replace(/-/g, '')}_noam`;
        ctx.sms.remember(recipient.repeatabilityRequestId, messageId);
        const sentAt = new Date().toISOString();
        ctx.sms.add({ messageId, direction: 'outbound', from, to, message, time: sentAt, tag: options.tag });
        ctx.timeline.add({ kind: 'world', type: 'smsSent', data: { messageId } });
        if (options.enableDeliveryReport) {
          // A number configured to reject calls does not take texts either.
          const delivered = ctx.world.behaviourOf(phoneIdentifier(to)).kind !== 'reject';
          ctx.scheduler.after(DELIVERY_DELAY_MS, () => {
            const now = new Date().toISOString();
            ctx.eventGrid.publish('Microsoft.Communication.SMSDeliveryReportReceived', `/phonenumber/${to}`, {
              messageId,
              from,
              to,
              deliveryStatus: delivered ? 'Delivered' : 'Failed',
              deliveryStatusDetails: delivered ? 'No error.' : 'The recipient handset rejected the message.',
              receivedTimestamp: now,
              deliveryAttempts: [
                { timestamp: now, segmentsSucceeded: delivered ? 1 : 0, segmentsFailed: delivered ? 0 : 1 },
              ],
              tag: options.tag,
            });
          });
        }
        return {
          to,
          messageId,
          httpStatusCode: 202,
          repeatabilityResult: recipient.repeatabilityRequestId ? 'accepted' : undefined,
          successful: true,
        };
      });
      return { status: 202, body: { value } };
    }),
  ];
}

/** An inbound SMS from the world: Event Grid SMSReceived (delivered `deliveries` times, same event id). */
export function receiveSms(ctx: AcsContext, from: string, to: string, message: string, deliveries = 1): string {
  if (!isE164(from)) throw acsErrors.invalidPhoneNumber('from');
  if (!isE164(to)) throw acsErrors.invalidPhoneNumber('to');
  const messageId = `Incoming_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID().replace(/-/g, '')}_noam`;
  const receivedTimestamp = new Date().toISOString();
  ctx.sms.add({ messageId, direction: 'inbound', from, to, message, time: receivedTimestamp });
  ctx.eventGrid.publish(
    'Microsoft.Communication.SMSReceived',
    `/phonenumber/${to}`,
    { messageId, from, to, message, receivedTimestamp, segmentCount: Math.max(1, Math.ceil(message.length / 160)) },
    '1.0',
    deliveries,
  );
  return messageId;
}
