import type { ConversationAnnotation } from './conversationAnnotation';

// The offline answer over a customer's conversations: the sentences of their redacted summaries that bear on the
// question, each cited; every conversation when the question asks for a summary of them all; and a plain
// "nothing to go on" rather than anything made up.

export interface Citation {
  ref: number;
  conversationId: string;
  channel: string;
  startedAt: string;
}

export interface AskAnswer {
  answer: string;
  citations: Citation[];
  /** False when no record bore on the question. */
  grounded: boolean;
  provider: 'local' | 'azure-openai';
}

const STOP = new Set(
  'a an and are about all any as at be by can did do does for from has have he her his how i in is it me of on or our she that the their them they this to was we were what when where which who why will with you your customer customers conversation conversations summarize summarise summary tell us'.split(
    ' ',
  ),
);

export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => t.length > 2 && !STOP.has(t));
}

const wantsAll = (question: string) => /\b(summari[sz]e|overview|history|everything|all)\b/i.test(question);

/** What a record says, as one line of the answer (redacted text only). */
export function describe(a: ConversationAnnotation): string {
  const parts = [`${a.startedAt.slice(0, 10)} ${a.channel} (${a.line}): ${handlingText(a)}.`];
  if (a.summary?.issue) parts.push(`Issue: ${a.summary.issue}`);
  if (a.summary?.resolution) parts.push(`Resolution: ${a.summary.resolution}`);
  if (a.summary?.followUps.length) parts.push(`Promised: ${a.summary.followUps.join('; ')}`);
  return parts.join(' ');
}

function handlingText(a: ConversationAnnotation): string {
  if (a.handling === 'transferred') return `handed to ${a.transferredTo ?? 'a person'}`;
  if (a.handling === 'abandoned') return `abandoned at ${a.abandonedAt ?? 'an unknown step'}`;
  if (a.handling === 'contained') return 'handled by the assistant';
  if (a.handling === 'voicemail') return 'left a voicemail';
  return 'failed';
}

function score(a: ConversationAnnotation, wanted: Set<string>): number {
  const text = [describe(a), ...(a.summary?.topics ?? [])].join(' ');
  return terms(text).filter((t) => wanted.has(t)).length;
}

/** Answers from `records` (oldest first) alone. */
export function extractiveAnswer(question: string, records: readonly ConversationAnnotation[]): AskAnswer {
  if (records.length === 0)
    return {
      answer: 'I have nothing to go on: there are no conversations on record for that customer and period.',
      citations: [],
      grounded: false,
      provider: 'local',
    };
  const wanted = new Set(terms(question));
  const chosen = wantsAll(question) || wanted.size === 0 ? [...records] : records.filter((r) => score(r, wanted) > 0);
  if (chosen.length === 0)
    return {
      answer: `I found ${records.length} conversation${records.length === 1 ? '' : 's'} with this customer, but none says anything about that.`,
      citations: [],
      grounded: false,
      provider: 'local',
    };
  const citations = chosen.map((r, i) => ({
    ref: i + 1,
    conversationId: r.conversationId,
    channel: r.channel,
    startedAt: r.startedAt,
  }));
  const lines = chosen.map((r, i) => `[${i + 1}] ${describe(r)}`);
  const head = `${chosen.length} conversation${chosen.length === 1 ? '' : 's'} with this customer${wantsAll(question) ? '' : ' bear on that'}:`;
  return { answer: [head, ...lines].join('\n'), citations, grounded: true, provider: 'local' };
}
