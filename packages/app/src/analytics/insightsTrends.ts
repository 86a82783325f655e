import type { AnnotationChannel, Handling } from './conversationAnnotation';
import { addRollup, emptyRollup, OTHER_TOPIC, type Rollup } from './rollup';
import type { RollupRow } from './rollupStore';
import { intervalMs, intervalStart, type TrendsQuery } from './trendsQuery';
import { histogramPercentile } from './waitHistogram';

// The answer of GET /api/insights/trends, computed from rollups alone (docs/insights.md defines each figure).

export interface PeriodFigures {
  conversations: number;
  byChannel: Partial<Record<AnnotationChannel, number>>;
  handling: Record<Handling, number>;
  /** Shares of the conversations (0..1), null when there were none. */
  containmentRate: number | null;
  transferRate: number | null;
  abandonmentRate: number | null;
  voicemailRate: number | null;
  failureRate: number | null;
  averageHandleSeconds: number | null;
  /** Calls that reached a person: from the start of the call to the person accepting. */
  timeToPerson: {
    reached: number;
    p50Seconds: number | null;
    p90Seconds: number | null;
    averageWaitSeconds: number | null;
  };
  abandonedAt: Record<string, number>;
  transferredTo: Record<string, number>;
  sentiment: { positive: number; neutral: number; negative: number; mixed: number; averageScore: number | null };
  summarized: number;
  resolvedRate: number | null;
}

export interface TopicTrend {
  topic: string;
  count: number;
  previous: number;
  /** count - previous, and as a share of previous (null when previous was 0). */
  change: number;
  changeRate: number | null;
}

export interface TrendsAnswer {
  from: string;
  to: string;
  interval: TrendsQuery['interval'];
  line?: string;
  channel?: AnnotationChannel;
  totals: PeriodFigures;
  intervals: Array<{ start: string } & PeriodFigures>;
  topTopics: TopicTrend[];
}

const TOP_TOPICS = 10;
const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
const seconds = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);

function figures(r: Rollup, byChannel: Partial<Record<AnnotationChannel, number>>): PeriodFigures {
  const n = r.conversations;
  const sentimentCount = r.sentiment.positive + r.sentiment.neutral + r.sentiment.negative + r.sentiment.mixed;
  return {
    conversations: n,
    byChannel,
    handling: r.handling,
    containmentRate: rate(r.handling.contained, n),
    transferRate: rate(r.handling.transferred, n),
    abandonmentRate: rate(r.handling.abandoned, n),
    voicemailRate: rate(r.handling.voicemail, n),
    failureRate: rate(r.handling.failed, n),
    averageHandleSeconds: n === 0 ? null : Math.round(r.handleMsSum / n) / 1000,
    timeToPerson: {
      reached: r.reachedPerson,
      p50Seconds: seconds(histogramPercentile(r.toPersonHistogram, 50)),
      p90Seconds: seconds(histogramPercentile(r.toPersonHistogram, 90)),
      averageWaitSeconds: r.reachedPerson === 0 ? null : Math.round(r.waitForPersonMsSum / r.reachedPerson) / 1000,
    },
    abandonedAt: r.abandonedAt,
    transferredTo: r.transferredTo,
    sentiment: {
      ...r.sentiment,
      averageScore: sentimentCount === 0 ? null : Math.round((r.sentimentScoreSum / sentimentCount) * 1000) / 1000,
    },
    summarized: r.summarized,
    resolvedRate: rate(r.resolved, r.summarized),
  };
}

interface Bucket {
  rollup: Rollup;
  byChannel: Partial<Record<AnnotationChannel, number>>;
}

function add(bucket: Bucket, row: RollupRow): void {
  addRollup(bucket.rollup, row.rollup);
  bucket.byChannel[row.channel] = (bucket.byChannel[row.channel] ?? 0) + row.rollup.conversations;
}

function topTopics(current: Rollup, previous: Rollup): TopicTrend[] {
  return Object.entries(current.topics)
    .filter(([topic]) => topic !== OTHER_TOPIC)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_TOPICS)
    .map(([topic, count]) => {
      const before = previous.topics[topic] ?? 0;
      return { topic, count, previous: before, change: count - before, changeRate: rate(count - before, before) };
    });
}

/** Trends for the query from rows covering it and the period of the same length before it. */
export function insightsTrends(query: TrendsQuery, rows: readonly RollupRow[]): TrendsAnswer {
  const step = intervalMs(query.interval);
  const span = query.to.getTime() - query.from.getTime();
  const total: Bucket = { rollup: emptyRollup(), byChannel: {} };
  const previous: Bucket = { rollup: emptyRollup(), byChannel: {} };
  const buckets = new Map<number, Bucket>();
  for (let t = query.from.getTime(); t < query.to.getTime(); t += step)
    buckets.set(t, { rollup: emptyRollup(), byChannel: {} });
  for (const row of rows) {
    if (query.channel && row.channel !== query.channel) continue;
    if (query.line && row.line !== query.line) continue;
    const at = Date.parse(row.start);
    if (at >= query.from.getTime() - span && at < query.from.getTime()) add(previous, row);
    if (at < query.from.getTime() || at >= query.to.getTime()) continue;
    add(total, row);
    const bucket = buckets.get(intervalStart(new Date(at), query.interval).getTime());
    if (bucket) add(bucket, row);
  }
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    interval: query.interval,
    ...(query.line ? { line: query.line } : {}),
    ...(query.channel ? { channel: query.channel } : {}),
    totals: figures(total.rollup, total.byChannel),
    intervals: [...buckets].map(([start, b]) => ({
      start: new Date(start).toISOString(),
      ...figures(b.rollup, b.byChannel),
    })),
    topTopics: topTopics(total.rollup, previous.rollup),
  };
}
