/** The carrier compliance keywords (CTIA) an SMS program must honour, whatever else it does. */
export type SmsKeyword = 'stop' | 'start' | 'help' | 'none';

const KEYWORDS: Record<Exclude<SmsKeyword, 'none'>, string[]> = {
  stop: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'optout', 'revoke'],
  start: ['start', 'unstop', 'yes', 'subscribe', 'optin'],
  help: ['help', 'info'],
};

/** A message that is just a keyword (any case, surrounding spaces and punctuation ignored). */
export function smsKeyword(message: string): SmsKeyword {
  const word = message
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  for (const [keyword, words] of Object.entries(KEYWORDS)) if (words.includes(word)) return keyword as SmsKeyword;
  return 'none';
}

export const SMS_REPLIES = {
  stop: 'You are unsubscribed and will receive no more messages from this number. Reply START to resubscribe.',
  start: 'You are subscribed again. Reply STOP to unsubscribe, HELP for help.',
  help: 'Contoso customer care: call this number or reply with your question. Reply STOP to unsubscribe. Msg&data rates may apply.',
} as const;
