import { AnnotationStore } from '@switchboard/app/analytics/annotationStore';
import { askInsights } from '@switchboard/app/analytics/askInsights';
import { ConversationAnalytics } from '@switchboard/app/analytics/conversationAnalytics';
import type {
  AnnotationChannel,
  ConversationAnnotation,
  Handling,
} from '@switchboard/app/analytics/conversationAnnotation';
import { customerHash } from '@switchboard/app/analytics/customerHash';
import { insightsTrends } from '@switchboard/app/analytics/insightsTrends';
import { RollupStore } from '@switchboard/app/analytics/rollupStore';
import { parseTrendsQuery } from '@switchboard/app/analytics/trendsQuery';
import type { SummaryDocument } from '@switchboard/app/insights/summaryDocument';
import { createTableClient } from '@switchboard/core/storage/storageClients';
import { startAzurite } from '@switchboard/functions-host/azurite';
import { sampleProcessTreeCpu } from './processTreeCpu';
import { percentile, type BenchResult } from './stats';

// Conversation analytics against a real Azurite: ingest synthetic conversations' ends (annotation, customer
// index, rollups; 1 in 10 also a summary), then a 30-day trends query and an "ask" over one customer with 50
// conversations. Ingest is counted per CPU-second of this process and Azurite together (per core).
// ANALYTICS_BENCH_CONVERSATIONS overrides the 100,000.

const SALT = 'bench-salt-0123456789abcdef';
const DAYS = 30;
const LINES = ['mainLine', 'billingLine', 'salesLine', 'care', 'support'];
const CHANNELS: AnnotationChannel[] = ['call', 'call', 'call', 'sms', 'chat', 'whatsapp'];
const HANDLINGS: Handling[] = [
  'contained',
  'contained',
  'contained',
  'transferred',
  'transferred',
  'abandoned',
  'voicemail',
  'failed',
];
const TOPICS = [
  'refund',
  'invoice',
  'delivery',
  'address change',
  'opening hours',
  'password reset',
  'cancel order',
  'upgrade',
];
const CONCURRENCY = 16;
const TARGET_PHONE = '+14255550123';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function synthetic(i: number, end: Date, random: () => number, target: string | undefined): ConversationAnnotation {
  const channel = CHANNELS[Math.floor(random() * CHANNELS.length)];
  const handling = HANDLINGS[Math.floor(random() * HANDLINGS.length)];
  const startedAt = new Date(end.getTime() - random() * DAYS * 86_400_000).toISOString();
  const a: ConversationAnnotation = {
    conversationId: `bench-${i}`,
    channel,
    line: LINES[Math.floor(random() * LINES.length)],
    customer:
      target ?? customerHash(`+1425${String(5_000_000 + Math.floor(random() * 20_000)).padStart(7, '0')}`, SALT),
    startedAt,
    durationMs: Math.floor(20_000 + random() * 600_000),
    handling,
  };
  if (handling === 'abandoned') a.abandonedAt = random() < 0.6 ? 'menu' : 'billing';
  if (handling === 'transferred') {
    a.transferredTo = random() < 0.5 ? 'billing' : 'sales';
    a.waitForPersonMs = Math.floor(random() * 120_000);
    a.toPersonMs = a.waitForPersonMs + 20_000;
  }
  return a;
}

function summaryFor(a: ConversationAnnotation, random: () => number): SummaryDocument {
  const topic = TOPICS[Math.floor(random() * TOPICS.length)];
  const score = Math.round((random() * 2 - 1) * 100) / 100;
  return {
    summarySchemaVersion: 1,
    id: a.conversationId,
    source: 'recording',
    schemaVersion: 1,
    channel: a.channel,
    startedAt: a.startedAt,
    createdAt: a.startedAt,
    provider: 'local',
    turnCount: 10,
    redaction: {} as SummaryDocument['redaction'],
    summary: {
      issue: `The customer asked about ${topic}.`,
      resolution: score > 0 ? `Explained ${topic}.` : '',
      followUps: [],
    },
    sentiment: {
      overall: { label: score > 0.05 ? 'positive' : score < -0.05 ? 'negative' : 'neutral', score },
      perTurn: [],
    },
    keyPhrases: [topic],
    language: 'en',
  };
}

async function pool<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function timed(times: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return out;
}

export async function run(): Promise<Omit<BenchResult, 'machine' | 'at'> & Record<string, unknown>> {
  const total = Number(process.env.ANALYTICS_BENCH_CONVERSATIONS ?? 100_000);
  const azurite = await startAzurite();
  try {
    const config = { storage: { connectionString: azurite.connectionString } };
    const analytics = new ConversationAnalytics(
      new AnnotationStore(createTableClient(config, 'benchAnnotations'), createTableClient(config, 'benchCustomers')),
      new RollupStore(createTableClient(config, 'benchRollups')),
    );
    const end = new Date('2026-04-01T00:00:00Z');
    const random = rng(42);
    const target = customerHash(TARGET_PHONE, SALT);
    const annotations = Array.from({ length: total }, (_, i) =>
      synthetic(i, end, random, i % Math.floor(total / 50) === 0 ? target : undefined),
    );
    const summarised = annotations.filter((a, i) => a.customer === target || i % 10 === 0);

    const cpu = sampleProcessTreeCpu();
    const started = Date.now();
    await pool(annotations, (a) => analytics.ended(a));
    const ingestEnd = Date.now();
    await pool(summarised, (a) => analytics.summarized(summaryFor(a, random)));
    cpu.stop();
    const ingest = cpu.between(started, ingestEnd);
    const ingestPerSecondPerCore = total / (ingest.totalMs / 1000);
    const ingestPerSecond = total / ((ingestEnd - started) / 1000);

    const trends = async () => {
      const q = parseTrendsQuery(new URLSearchParams(`from=2026-03-02&to=2026-04-01&interval=day`));
      const previousFrom = new Date(2 * q.from.getTime() - q.to.getTime());
      return insightsTrends(q, await analytics.rollups.list('day', previousFrom, q.to));
    };
    const check = await trends();
    await timed(3, trends);
    const trendTimes = await timed(50, trends);
    const ask = () =>
      askInsights(
        { question: `Summarize all conversations with ${TARGET_PHONE}`, customer: TARGET_PHONE },
        { analytics, customerSalt: SALT },
      );
    const cited = (await ask()).citations.length;
    await timed(3, ask);
    const askTimes = await timed(50, ask);
    const trendsP99Ms = percentile(trendTimes, 99);
    const askP99Ms = percentile(askTimes, 99);
    return {
      name: `analytics: ${total} conversations' annotations over real Azurite (concurrency ${CONCURRENCY})`,
      ingestPerSecondPerCore,
      trendsP99Ms,
      askP99Ms,
      rows: [
        {
          metric: 'ingest per second per core (this process + Azurite CPU)',
          value: ingestPerSecondPerCore,
          unit: '/s/core',
          samples: total,
          note: 'target >= 500',
        },
        { metric: 'ingest per second (wall)', value: ingestPerSecond, unit: '/s', samples: total },
        {
          metric: 'ingest CPU',
          value: ingest.totalMs / 1000,
          unit: 's',
          note: [...ingest.byRole].map(([r, ms]) => `${r} ${(ms / 1000).toFixed(0)} s`).join(', '),
        },
        {
          metric: '30-day trends (day interval)',
          p50: percentile(trendTimes, 50),
          p99: trendsP99Ms,
          unit: 'ms',
          samples: trendTimes.length,
          note: `target p99 <= 300; ${check.totals.conversations} conversations`,
        },
        {
          metric: 'ask: one customer, 50 conversations',
          p50: percentile(askTimes, 50),
          p99: askP99Ms,
          unit: 'ms',
          samples: askTimes.length,
          note: `target p99 <= 1000; ${cited} cited`,
        },
      ],
    };
  } finally {
    await azurite.stop();
  }
}
