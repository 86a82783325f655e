import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Conversation } from '@switchboard/core/conversation';
import { LocalInsightsProvider } from '@switchboard/local-ai/insights/localInsightsProvider';
import { summarizeConversation } from '@switchboard/app/insights/pipeline';
import { percentile, type BenchResult } from './stats';

// Local provider throughput: whole pipeline (validate, redact, analyse, render) for 15-turn calls, one
// at a time on this one thread (one core), as a blob trigger would run them. `npm run bench` calls run().

const corpusDir = resolve(__dirname, '..', '..', 'test', 'fixtures', 'transcripts');

/** 15-turn calls built from the labelled corpus (each call cycled or trimmed to 15 turns, ids unique). */
function fifteenTurnCalls(count: number): Conversation[] {
  const base = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.json') && f !== 'labels.json')
    .map((f) => JSON.parse(readFileSync(join(corpusDir, f), 'utf8')) as Conversation)
    .filter((c) => c.metadata.language === 'en');
  return Array.from({ length: count }, (_, i) => {
    const c = base[i % base.length];
    const turns = Array.from({ length: 15 }, (_, k) => ({ ...c.turns[k % c.turns.length], offsetMs: k * 4000 }));
    return { ...c, id: `${c.id}-${i}`, turns };
  });
}

export async function run(
  options: { calls?: number; warmup?: number } = {},
): Promise<Omit<BenchResult, 'machine' | 'at'>> {
  const calls = fifteenTurnCalls(options.calls ?? 400);
  const provider = new LocalInsightsProvider();
  const loadStart = performance.now();
  await provider.ready();
  const modelLoadMs = performance.now() - loadStart;
  for (const c of fifteenTurnCalls(options.warmup ?? 20))
    await summarizeConversation({ ...c, id: `warm-${c.id}` }, provider);

  const times: number[] = [];
  const start = performance.now();
  for (const c of calls) {
    const t = performance.now();
    await summarizeConversation(c, provider);
    times.push(performance.now() - t);
  }
  const elapsedMs = performance.now() - start;
  // The kernel's high-water mark (KiB on Linux) is the true peak; sampling memoryUsage() costs time itself.
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return {
    name: 'insights: local provider, 15-turn calls, one at a time on one core',
    rows: [
      {
        metric: 'summaries per second',
        value: (calls.length / elapsedMs) * 1000,
        unit: '/s',
        samples: calls.length,
        note: 'target >= 30',
      },
      {
        metric: 'summary latency (validate, redact, analyse, render)',
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        unit: 'ms',
        samples: times.length,
      },
      { metric: 'peak RSS', value: peakRss / 1024 / 1024, unit: 'MB' },
      { metric: 'model and detector load', value: modelLoadMs, unit: 'ms', samples: 1 },
    ],
  };
}

if (require.main === module) {
  run()
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
