import type { AskAnswer } from './extractiveAnswer';
import type { TrendsAnswer } from './insightsTrends';

// Questions about everyone ("why did callers abandon on Tuesday?") are answered from the period's rollups:
// the figures that bear on the question, each cited by the day it comes from.

export interface RollupCitation {
  ref: number;
  interval: string;
}

const pct = (r: number | null) => (r === null ? 'n/a' : `${Math.round(r * 1000) / 10}%`);
const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');

/** The facts of a trends answer as numbered lines (the grounding of both the offline and the model answer). */
export function rollupFacts(trends: TrendsAnswer): { facts: string[]; days: string[] } {
  const facts: string[] = [];
  const days: string[] = [];
  for (const day of trends.intervals.filter((d) => d.conversations > 0)) {
    days.push(day.start);
    const bits = [
      `${day.start.slice(0, 10)}: ${day.conversations} conversations`,
      `contained ${pct(day.containmentRate)}, transferred ${pct(day.transferRate)}, abandoned ${pct(day.abandonmentRate)}`,
    ];
    if (Object.keys(day.abandonedAt).length) bits.push(`abandoned at ${list(day.abandonedAt)}`);
    if (Object.keys(day.transferredTo).length) bits.push(`transferred to ${list(day.transferredTo)}`);
    if (day.timeToPerson.p50Seconds !== null) bits.push(`time to a person p50 ${day.timeToPerson.p50Seconds} s`);
    facts.push(bits.join('; '));
  }
  return { facts, days };
}

export function rollupAnswer(trends: TrendsAnswer): AskAnswer & { intervals: RollupCitation[] } {
  const { facts, days } = rollupFacts(trends);
  if (facts.length === 0)
    return {
      answer: 'I have nothing to go on: no conversations ended in that period.',
      citations: [],
      intervals: [],
      grounded: false,
      provider: 'local',
    };
  const t = trends.totals;
  const head = [
    `${t.conversations} conversations from ${trends.from.slice(0, 10)} to ${trends.to.slice(0, 10)}:`,
    `contained ${pct(t.containmentRate)}, transferred ${pct(t.transferRate)}, abandoned ${pct(t.abandonmentRate)}.`,
    Object.keys(t.abandonedAt).length ? `Callers gave up at ${list(t.abandonedAt)}.` : '',
    trends.topTopics.length ? `Top topics: ${trends.topTopics.map((x) => `${x.topic} (${x.count})`).join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    answer: [head, ...facts.map((f, i) => `[${i + 1}] ${f}`)].join('\n'),
    citations: [],
    intervals: days.map((interval, i) => ({ ref: i + 1, interval })),
    grounded: true,
    provider: 'local',
  };
}
