import type { SmsClient } from '@azure/communication-sms';
import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { converse, type AgentMatch, type ConverseDeps, type ConverseOutcome } from './converse';
import { fitSms } from './fitReply';
import type { MessageClaims } from './messageClaims';
import type { OptOutList } from './optOutList';
import { SMS_REPLIES, smsKeyword, type SmsKeyword } from './smsKeyword';

const smsReceived = z
  .object({ messageId: z.string().min(1), from: z.string().min(1), to: z.string().min(1), message: z.string() })
  .passthrough();

export interface InboundSmsDeps extends ConverseDeps {
  sms: SmsClient;
  optOut: OptOutList;
  claims: MessageClaims;
  agentFor(number: string): AgentMatch | undefined;
}

export type InboundSmsResult =
  | { keyword: SmsKeyword; replied: boolean }
  | { keyword: 'none'; outcome: ConverseOutcome | 'opted-out' | 'no-agent' | 'duplicate' };

/**
 * One inbound SMS, once per message id: STOP opts the sender out (confirmed once), START opts them back in,
 * HELP answers with help; these keep priority over the agent. Any other text goes to the messaging agent
 * of the number it was sent to. Every send honours the opt-out list, checked at the moment of sending.
 */
export async function handleInboundSms(data: unknown, deps: InboundSmsDeps): Promise<InboundSmsResult | 'duplicate'> {
  const parsed = smsReceived.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `SMSReceived is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  const { from, to, message, messageId } = parsed.data;
  return deps.claims.once('sms', messageId, async (): Promise<InboundSmsResult> => {
    const keyword = smsKeyword(message);
    if (keyword === 'stop') await deps.optOut.optOut(from);
    if (keyword === 'start') await deps.optOut.optIn(from);
    if (keyword === 'none') {
      const match = deps.agentFor(to);
      if (!match) return { keyword, outcome: 'no-agent' };
      if (await deps.optOut.isOptedOut(from)) return { keyword, outcome: 'opted-out' };
      const maxSegments = match.agent.limits?.sms?.maxSegments ?? 3;
      const outcome = await converse(
        {
          channel: 'sms',
          messageId,
          customer: from,
          business: to,
          text: message,
          agentName: match.name,
          agent: match.agent,
        },
        {
          send: async (text) => {
            if (await deps.optOut.isOptedOut(from)) return;
            await deps.sms.send(
              { from: to, to: [from], message: fitSms(text, maxSegments) },
              { enableDeliveryReport: true, tag: 'agent' },
            );
          },
        },
        deps,
      );
      return { keyword, outcome };
    }
    // The STOP confirmation is the one message an opted-out number still gets.
    if (keyword !== 'stop' && (await deps.optOut.isOptedOut(from))) return { keyword, replied: false };
    const [result] = await deps.sms.send(
      { from: to, to: [from], message: SMS_REPLIES[keyword] },
      { tag: `keyword-${keyword}` },
    );
    return { keyword, replied: Boolean(result?.successful) };
  });
}
