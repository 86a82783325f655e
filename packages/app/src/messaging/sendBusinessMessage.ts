import type { SmsClient } from '@azure/communication-sms';
import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { phoneNumber } from '../call/outboundRequest';
import { conversationKey, type ConversationStore } from './conversationStore';
import type { AgentMatch } from './converse';
import { fitSms } from './fitReply';
import type { OptOutList } from './optOutList';
import type { WhatsAppClient } from './whatsAppClient';

// A message the business starts (a follow-up, a notification): SMS from the agent's first number, or
// WhatsApp as free text inside the customer's 24-hour service window and as the agent's approved template
// outside it, since WhatsApp refuses free text there. Opted-out customers get nothing.

const WINDOW_MS = 24 * 3600_000;

/** POST /api/messages */
export const sendMessageBody = z.strictObject({
  agent: z.string().min(1),
  channel: z.enum(['sms', 'whatsapp']),
  to: phoneNumber,
  text: z.string().min(1).max(1000),
});

export interface BusinessMessage {
  agent: AgentMatch;
  channel: 'sms' | 'whatsapp';
  to: string;
  text: string;
}

export type BusinessMessageResult =
  { sentAs: 'sms' | 'text' | 'template'; messageId: string } | { sentAs: 'suppressed' };

export async function sendBusinessMessage(
  message: BusinessMessage,
  deps: { sms: SmsClient; whatsApp: WhatsAppClient; optOut: OptOutList; conversations: ConversationStore; now?: Date },
): Promise<BusinessMessageResult> {
  const { agent } = message.agent;
  if (message.channel === 'sms') {
    const from = agent.numbers?.[0];
    if (!from) throw new ValidationError(`messaging agent "${message.agent.name}" has no SMS number`);
    if (await deps.optOut.isOptedOut(message.to)) return { sentAs: 'suppressed' };
    const [result] = await deps.sms.send(
      { from, to: [message.to], message: fitSms(message.text, agent.limits?.sms?.maxSegments ?? 3) },
      { enableDeliveryReport: true, tag: 'business' },
    );
    return { sentAs: 'sms', messageId: result?.messageId ?? '' };
  }
  const whatsapp = agent.whatsapp;
  if (!whatsapp) throw new ValidationError(`messaging agent "${message.agent.name}" has no WhatsApp channel`);
  if (await deps.optOut.isOptedOut(`whatsapp:${message.to}`)) return { sentAs: 'suppressed' };
  const last = await deps.conversations.lastInboundAt(conversationKey('whatsapp', message.to, whatsapp.channelId));
  const now = deps.now ?? new Date();
  if (last && now.getTime() - last.getTime() < WINDOW_MS)
    return { sentAs: 'text', messageId: await deps.whatsApp.sendText(whatsapp.channelId, message.to, message.text) };
  const template = whatsapp.template;
  if (!template)
    throw new ValidationError(
      `messaging agent "${message.agent.name}": the customer is outside WhatsApp's 24-hour window and the agent has no whatsapp.template`,
    );
  const parameters = (template.parameters ?? []).map((p) => p.replace('{{text}}', message.text));
  return {
    sentAs: 'template',
    messageId: await deps.whatsApp.sendTemplate(whatsapp.channelId, message.to, {
      name: template.name,
      language: template.language,
      parameters,
    }),
  };
}
