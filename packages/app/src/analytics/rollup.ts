import {
  HANDLINGS,
  type AnnotationSentiment,
  type AnnotationSummary,
  type ConversationAnnotation,
  type Handling,
} from './conversationAnnotation';
import { addHistograms, emptyWaitHistogram, waitBucket } from './waitHistogram';

// The counts kept per interval, line and channel as conversations end (rollupStore.ts stores them). Every
// field adds: two rollups merge by adding, so a period's figures are sums of its intervals' rollups.

export interface Rollup {
  conversations: number;
  handling: Record<Handling, number>;
  /** Sum of conversation durations (AHT = handleMsSum / conversations). */
  handleMsSum: number;
  /** Calls that reached a person, the sum of their waits after the transfer request, and time-to-person counts. */
  reachedPerson: number;
  waitForPersonMsSum: number;
  toPersonHistogram: number[];
  abandonedAt: Record<string, number>;
  transferredTo: Record<string, number>;
  /** Conversations whose summary has been counted, and of those how many had a resolution. */
  summarized: number;
  resolved: number;
  sentiment: Record<AnnotationSentiment, number>;
  sentimentScoreSum: number;
  topics: Record<string, number>;
  languages: Record<string, number>;
}

/** Distinct topics one rollup keeps; rarer ones beyond it count under OTHER_TOPIC (an entity holds 64 KiB a field). */
const MAX_TOPICS = 200;
export const OTHER_TOPIC = '(other)';

export function emptyRollup(): Rollup {
  return {
    conversations: 0,
    handling: Object.fromEntries(HANDLINGS.map((h) => [h, 0])) as Record<Handling, number>,
    handleMsSum: 0,
    reachedPerson: 0,
    waitForPersonMsSum: 0,
    toPersonHistogram: emptyWaitHistogram(),
    abandonedAt: {},
    transferredTo: {},
    summarized: 0,
    resolved: 0,
    sentiment: { positive: 0, neutral: 0, negative: 0, mixed: 0 },
    sentimentScoreSum: 0,
    topics: {},
    languages: {},
  };
}

function addCounts(into: Record<string, number>, from: Record<string, number>, cap = Infinity): void {
  for (const [key, n] of Object.entries(from)) {
    const name = key in into || Object.keys(into).length < cap ? key : OTHER_TOPIC;
    into[name] = (into[name] ?? 0) + n;
  }
}

/** Adds `delta` into `into` and returns it. */
export function addRollup(into: Rollup, delta: Rollup): Rollup {
  into.conversations += delta.conversations;
  for (const h of HANDLINGS) into.handling[h] = (into.handling[h] ?? 0) + (delta.handling[h] ?? 0);
  into.handleMsSum += delta.handleMsSum;
  into.reachedPerson += delta.reachedPerson;
  into.waitForPersonMsSum += delta.waitForPersonMsSum;
  addHistograms(into.toPersonHistogram, delta.toPersonHistogram);
  addCounts(into.abandonedAt, delta.abandonedAt);
  addCounts(into.transferredTo, delta.transferredTo);
  into.summarized += delta.summarized;
  into.resolved += delta.resolved;
  addCounts(into.sentiment, delta.sentiment);
  into.sentimentScoreSum += delta.sentimentScoreSum;
  addCounts(into.topics, delta.topics, MAX_TOPICS);
  addCounts(into.languages, delta.languages, MAX_TOPICS);
  return into;
}

/** What a conversation's end adds: one conversation, its handling, duration and (calls) time to a person. */
export function endContribution(a: ConversationAnnotation): Rollup {
  const r = emptyRollup();
  r.conversations = 1;
  r.handling[a.handling] = 1;
  r.handleMsSum = a.durationMs;
  if (a.abandonedAt) r.abandonedAt[a.abandonedAt] = 1;
  if (a.transferredTo) r.transferredTo[a.transferredTo] = 1;
  if (a.toPersonMs !== undefined) {
    r.reachedPerson = 1;
    r.waitForPersonMsSum = a.waitForPersonMs ?? 0;
    r.toPersonHistogram[waitBucket(a.toPersonMs)] = 1;
  }
  return r;
}

/** What a conversation's summary adds: topics, sentiment, language and whether it was resolved. */
export function summaryContribution(s: AnnotationSummary): Rollup {
  const r = emptyRollup();
  r.summarized = 1;
  r.resolved = s.resolved ? 1 : 0;
  r.sentiment[s.sentiment] = 1;
  r.sentimentScoreSum = s.sentimentScore;
  for (const topic of new Set(s.topics)) r.topics[topic] = 1;
  r.languages[s.language] = 1;
  return r;
}
