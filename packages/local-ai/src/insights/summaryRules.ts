import type { ConversationRole } from '@switchboard/core/conversation';
import type { ConversationSummary } from '@switchboard/app/insights/insightsProvider';

// Rules that pick the issue, resolution and follow-up sentences from an extractive ranking (wink-nlp's
// sentence importance). Cue words say what kind of sentence it is; importance breaks ties between
// sentences of the same kind. English cues; other languages fall back to position and importance.

export interface RankedSentence {
  text: string;
  role: ConversationRole;
  turnIndex: number;
  /** 0..1, from the extractive ranker. */
  importance: number;
}

const ISSUE_CUES =
  /\b(problem|issue|wrong|error|broken|down|not working|doesn't work|isn't working|can't|cannot|couldn't|unable|locked out|lost|stolen|missing|late|charged|overcharged|twice|double|duplicate|expired|failed|keeps?|complain\w*|refund|cancel|change|reschedule|update|need|want|would like|trying to|calling about|calling because|help with|haven't|hasn't|never|still|stopped|broke|isn't|aren't|won't|doesn't|didn't|warranty|moved|lost|outage)\b|\b(?:is|are|was|went) out\b/i;
const RESOLUTION_CUES = new RegExp(
  [
    // "I've refunded", "we have now sent", "has been updated"
    String.raw`\b(?:i've|we've|i have|we have|has been|have been|is now|are now)\s+(?:\w+\s+)?(?:\w+ed|\w+en|sent|set|put|made|done|got)\b`,
    // "I'm refunding", "I'm pushing an update" (not "I'm sorry", "I'm calling")
    String.raw`\b(?:i'm|we're)\s+(?!sorry|afraid|glad|happy|calling|looking|going|trying|checking)\w+ing\b`,
    String.raw`\b(?:refunded|credited|applied|waived|updated|unlocked|blocked|processed|booked|rebooked|scheduled|opened|switched|redirected|escalated|fixed|resolved|restored|cancelled|approved|flagged|raised|reset|went through|no longer|starts today|is skipped|is covered|are covered|ships|done)\b`,
  ].join('|'),
  'i',
);
const FOLLOW_UP_CUES =
  /\b(will|i'll|we'll|you'll|it'll|within|follow up|call you|call back|email you|text you|send you|tomorrow|next week|business days|by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on (?:monday|tuesday|wednesday|thursday|friday)|please (?:sign|keep|arrive|set|call|check)|should (?:appear|arrive)|expect)\b/i;
const FILLER =
  /^(?:hi|hello|thanks?|thank you|okay|ok|great|perfect|sure|yes|no|bye|you're welcome|my pleasure)\b[^.?!]{0,12}[.?!]?$/i;
const GREETING =
  /\b(thank you for calling|thanks for calling|how can i help|how may i help|what can i do for you|speaking\b|you've reached|welcome to|take it from here|happy to help)\b/i;

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function best(candidates: RankedSentence[], score: (s: RankedSentence) => number): RankedSentence | undefined {
  let top: RankedSentence | undefined;
  let topScore = -Infinity;
  for (const c of candidates) {
    const s = score(c);
    if (s > topScore) {
      top = c;
      topScore = s;
    }
  }
  return top;
}

/** Drops openers ("hello,", "yeah hi", "hi [NAME],") and capitalises, so a picked sentence reads as a summary line. */
export function tidySentence(text: string): string {
  const trimmed = text
    .trim()
    .replace(
      /^(?:(?:hi|hello|hey|yeah|yes|so|ok|okay|well|um|uh|good (?:morning|afternoon|evening))\b(?:\s+\[NAME\])?[\s,!.]*)+/i,
      '',
    );
  return trimmed ? trimmed[0].toUpperCase() + trimmed.slice(1) : trimmed;
}

export function pickSummary(sentences: readonly RankedSentence[], language: string): ConversationSummary {
  const english = language === 'en' || language === 'und';
  const substantive = sentences.filter(
    (s) => words(s.text) >= 4 && !FILLER.test(s.text.trim()) && !GREETING.test(s.text),
  );
  const customer = substantive.filter((s) => s.role === 'customer');
  const agent = substantive.filter((s) => s.role !== 'customer');
  const lastTurn = Math.max(1, ...sentences.map((s) => s.turnIndex));

  // Issue: a customer sentence early in the call, with a problem cue; the earliest wins ties.
  const issuePool = customer.length > 0 ? customer : substantive;
  const issue = best(issuePool, (s) => {
    const early = 1 - s.turnIndex / lastTurn;
    const cue = english && ISSUE_CUES.test(s.text) ? 1 : 0;
    // Introductions are not the issue, even when they come first.
    const intro = /\b(my name is|this is|speaking)\b/i.test(s.text) ? -1.5 : 0;
    const short = words(s.text) < 6 ? -0.4 : 0;
    return cue * 1.5 + early * 1.2 + s.importance * 0.5 + intro + short;
  });

  // Resolution: an agent sentence after the issue saying what was done; later and more specific wins.
  const resolutionPool = (agent.length > 0 ? agent : substantive).filter(
    (s) => !issue || s.turnIndex > issue.turnIndex,
  );
  const resolution = best(resolutionPool, (s) => {
    const cue = english ? (RESOLUTION_CUES.test(s.text) ? 1.5 : 0) : 0;
    const question = /\?$/.test(s.text.trim()) ? -1 : 0;
    const courtesy = /^(thanks|thank you|yes|ok|okay|great)\b/i.test(s.text.trim()) ? -0.4 : 0;
    return cue + s.importance + (s.turnIndex / lastTurn) * 0.1 + question + courtesy;
  });

  // Follow-ups: promises of future action, after the issue, in call order, without repeats.
  const followUps = english
    ? substantive
        .filter((s) => s !== resolution && s !== issue && (!issue || s.turnIndex > issue.turnIndex))
        .filter((s) => FOLLOW_UP_CUES.test(s.text) && !/\?$/.test(s.text.trim()) && s.role !== 'customer')
        .slice(-3)
        .map((s) => tidySentence(s.text))
    : [];

  return {
    issue: tidySentence(issue?.text ?? ''),
    // In English a resolution needs a cue saying something was done; a wrong one is worse than none.
    resolution: resolution && (!english || RESOLUTION_CUES.test(resolution.text)) ? tidySentence(resolution.text) : '',
    followUps,
  };
}
