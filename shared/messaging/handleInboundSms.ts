import type { SmsClient } from '@azure/communication-sms';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { OptOutList } from './optOutList';
import { SMS_REPLIES, smsKeyword, type SmsKeyword } from './smsKeyword';

const smsReceived = z
  .object({ messageId: z.string().min(1), from: z.string().min(1), to: z.string().min(1), message: z.string() })
  .passthrough();

/**
 * One inbound SMS: STOP opts the sender out (confirmed once), START opts them back in, HELP answers with
 * help; every reply honours the opt-out list. Other messages are acknowledged for the bots to come.
 */
export async function handleInboundSms(
  data: unknown,
  deps: { sms: SmsClient; optOut: OptOutList },
): Promise<{ keyword: SmsKeyword; replied: boolean }> {
  const parsed = smsReceived.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `SMSReceived is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  const { from, to, message } = parsed.data;
  const keyword = smsKeyword(message);
  if (keyword === 'stop') await deps.optOut.optOut(from);
  if (keyword === 'start') await deps.optOut.optIn(from);
  if (keyword === 'none') return { keyword, replied: false };
  // The STOP confirmation is the one message an opted-out number still gets.
  if (keyword !== 'stop' && (await deps.optOut.isOptedOut(from))) return { keyword, replied: false };
  const [result] = await deps.sms.send(
    { from: to, to: [from], message: SMS_REPLIES[keyword] },
    { tag: `keyword-${keyword}` },
  );
  return { keyword, replied: Boolean(result?.successful) };
}
