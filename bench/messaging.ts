import { resolve } from 'node:path';
import { repoRoot } from '@switchboard/sandbox/hostProcess';
import { startSandbox, type Sandbox } from '@switchboard/sandbox/startSandbox';
import { percentile, type BenchRow } from './stats';

// Inbound SMS end to end through the app with the local provider (ACS emulator -> Event Grid -> the
// smsReceived function: claim, memory, FAQ agent, reply through the SMS API), measured on the emulator's
// own records: an inbound message's receipt time -> the agent's reply arriving at the SMS API.
// Three loads: paced well under capacity (2 new customers a second: the unqueued latency), paced at 20 a
// second, and a burst (all at once); one message per customer so the per-sender limit never applies.
// Throughput: replies / (last reply - first inbound).

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const LINE = '+18005550800';
const QUESTIONS = ['What are your opening hours?', 'How do I change my address?', 'How do I get a refund?'];

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  // Azurite, the emulator and the app in the local host, wired by settings as `npm start` does.
  const sb = await startSandbox({
    flowsPath: resolve(repoRoot, 'test', 'fixtures', 'flows'),
    acs: { immutableResourceId: 'bench-acs-resource' },
    env: { TASKHUB_NAME: 'benchmessaging' },
  });
  const rows: BenchRow[] = [];
  try {
    await measure(sb, 'warm-up', 10, () => 0, 0);
    rows.push(...(await measure(sb, 'paced: 2 customers/s', 20, (i) => i * 500, 3)));
    rows.push(...(await measure(sb, 'paced: 20 customers/s', MESSAGES / 2, (i) => i * 50, 1)));
    rows.push(...(await measure(sb, `burst: ${MESSAGES} at once`, MESSAGES, () => 0, 2)));
  } finally {
    await sb.stop();
  }
  return { name: 'messaging', rows };
}

async function measure(sb: Sandbox, label: string, count: number, sendAtMs: (i: number) => number, series: number) {
  const customers = Array.from({ length: count }, (_, i) => `+1206${series}${String(i).padStart(6, '0')}`);
  const started = Date.now();
  await Promise.all(
    customers.map(async (from, i) => {
      const wait = started + sendAtMs(i) - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await sb.acs.control.receiveSms({ from, to: LINE, message: QUESTIONS[i % QUESTIONS.length] });
    }),
  );
  const wanted = new Set(customers);
  const deadline = Date.now() + 120_000;
  let records = await sb.acs.control.listSms();
  while (records.filter((r) => r.direction === 'outbound' && wanted.has(r.to)).length < count) {
    if (Date.now() > deadline) throw new Error(`${label}: not every message was answered within 120 s`);
    await new Promise((r) => setTimeout(r, 100));
    records = await sb.acs.control.listSms();
  }
  const inbound = new Map(
    records.filter((r) => r.direction === 'inbound' && wanted.has(r.from)).map((r) => [r.from, Date.parse(r.time)]),
  );
  const replies = records.filter((r) => r.direction === 'outbound' && wanted.has(r.to));
  const latencies = replies.map((r) => Date.parse(r.time) - (inbound.get(r.to) ?? NaN)).filter(Number.isFinite);
  const first = Math.min(...inbound.values());
  const last = Math.max(...replies.map((r) => Date.parse(r.time)));
  if (label === 'warm-up') return [];
  return [
    {
      metric: `inbound SMS -> agent reply sent, ${label}`,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      unit: 'ms',
      samples: latencies.length,
    },
    {
      metric: `throughput, ${label}`,
      value: (replies.length * 1000) / Math.max(1, last - first),
      unit: 'messages/s',
      samples: replies.length,
    },
  ];
}
