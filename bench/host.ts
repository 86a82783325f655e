import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startAzurite } from '@switchboard/functions-host/azurite';
import { startFunctionHost } from '@switchboard/functions-host/functionHost';
import { percentile, type BenchRow } from './stats';

// Local host benchmarks: orchestration step latency (event raised -> next activity started) with 1 and
// 50 concurrent instances, and host start-up time.

const repo = resolve(__dirname, '..', '..');
const STEPS = 40;

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  const azurite = await startAzurite();
  const rows: BenchRow[] = [];
  try {
    process.env.AzureWebJobsStorage = azurite.connectionString;
    process.env.BENCH_TASKHUB = 'benchhub';
    const host = await startFunctionHost({
      appDir: resolve(repo, 'bench', 'fixtures', 'step-app'),
      port: 0,
      log: () => undefined,
    });
    try {
      rows.push(await stepLatency(host, 1, STEPS, 0));
      // Calls take a turn every few seconds: 50 instances stepping once a second is a busy contact centre.
      rows.push(await stepLatency(host, 50, 15, 1000));
      // Saturation: every instance steps again the moment its activity starts.
      rows.push(await stepLatency(host, 50, STEPS, 0));
    } finally {
      await host.close();
    }
    const startups: number[] = [];
    for (let i = 0; i < 5; i++) startups.push(await startupTime(azurite.connectionString));
    rows.push({
      metric: 'host start-up (process spawn -> ready)',
      p50: percentile(startups, 50),
      p99: percentile(startups, 99),
      unit: 'ms',
      samples: startups.length,
    });
  } finally {
    await azurite.stop();
  }
  return { name: 'host', rows };
}

type Waiter = (at: number) => void;

async function stepLatency(
  host: { url: string; durableKey: string },
  concurrency: number,
  steps: number,
  paceMs: number,
): Promise<BenchRow> {
  const waiters = new Map<string, Waiter>();
  (globalThis as { __benchStepStarted?: (id: string, step: number) => void }).__benchStepStarted = (id, step) => {
    const key = `${id}#${step}`;
    waiters.get(key)?.(performance.now());
    waiters.delete(key);
  };
  const base = `${host.url}/runtime/webhooks/durabletask`;
  const headers = { 'x-functions-key': host.durableKey };
  const latencies: number[] = [];
  const started = performance.now();
  const ids = Array.from({ length: concurrency }, (_, i) => `c${concurrency}-${i}-${Date.now()}`);
  await Promise.all(
    ids.map((id) =>
      fetch(`${base}/orchestrators/stepper/${id}`, { method: 'POST', headers, body: JSON.stringify({ steps }) }),
    ),
  );
  await Promise.all(
    ids.map(async (id, index) => {
      // Spread paced instances over the interval, as calls are.
      if (paceMs) await new Promise((r) => setTimeout(r, (index * paceMs) / concurrency));
      for (let step = 0; step < steps; step++) {
        if (paceMs && step > 0) await new Promise((r) => setTimeout(r, paceMs));
        const activityStarted = new Promise<number>((resolveStep) => waiters.set(`${id}#${step}`, resolveStep));
        // Raise until accepted: the first raise may come before the instance exists in storage.
        const t0 = performance.now();
        const response = await fetch(`${base}/instances/${id}/raiseEvent/go`, { method: 'POST', headers, body: '{}' });
        if (response.status !== 202) throw new Error(`raiseEvent answered ${response.status}`);
        latencies.push((await activityStarted) - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    metric: `step latency, event raised -> next activity started, ${concurrency} concurrent${paceMs ? `, one step per ${paceMs} ms each` : concurrency > 1 ? ', saturated' : ''}`,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    value: latencies.length / seconds,
    unit: 'ms (value: steps/s)',
    samples: latencies.length,
  };
}

function startupTime(connectionString: string): Promise<number> {
  return new Promise((resolveTime, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        require.resolve('@switchboard/functions-host/main'),
        '--app',
        resolve(repo, 'bench', 'fixtures', 'step-app'),
        '--port',
        '0',
      ],
      {
        env: { ...process.env, AzureWebJobsStorage: connectionString, BENCH_TASKHUB: 'benchhub' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('HOST_READY')) {
        const ms = performance.now() - t0;
        child.kill();
        child.once('exit', () => resolveTime(ms));
      }
    });
    child.once('error', reject);
  });
}
