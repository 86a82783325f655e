import { resolve } from 'node:path';
import { repoRoot } from '@switchboard/sandbox/hostProcess';
import { startSandbox, type Sandbox } from '@switchboard/sandbox/startSandbox';
import type { TimelineEntry } from '@switchboard/acs-emulator';
import { percentile, type BenchRow } from './stats';

// Calls in the sandbox, measured on the ACS emulator's timeline (what ACS itself would see):
//   answer: Event Grid IncomingCall published -> the app's :answer request arrives;
//   IVR turn: RecognizeCompleted callback emitted -> the app's next Call Automation request arrives.
// Two loads: 50 calls in progress together, arriving 10 a second (a busy contact centre's peak), each
// caller taking 3 s to choose; and a burst of 50 calls ringing in the same instant (a stress case).

const ROUNDS = 2;
const CONCURRENT = Number(process.env.BENCH_CALLS ?? 50);

export async function run(): Promise<{ name: string; rows: BenchRow[] }> {
  // Real time in the PSTN world: a 30 s ring, prompts as long as they take to say.
  const sb = await startSandbox({
    flowsPath: resolve(repoRoot, 'test', 'fixtures', 'flows'),
    acs: { timeScale: 1, answerDelayMs: 100 },
  });
  const rows: BenchRow[] = [];
  try {
    // One warm-up call so start-up costs (JIT, table creation) are not counted as latency.
    await oneCall(sb, '+14255550000', 0, 0);
    rows.push(...(await measure(sb, 'paced: 50 in progress, 10 arrivals/s', (i) => i * 100, 3_000)));
    rows.push(...(await measure(sb, 'burst: 50 ringing at once', () => 0, 0)));
  } finally {
    await sb.stop();
  }
  return { name: 'calls', rows };
}

async function measure(
  sb: Sandbox,
  label: string,
  arrivalMs: (i: number) => number,
  thinkMs: number,
): Promise<BenchRow[]> {
  const answers: number[] = [];
  const turns: number[] = [];
  {
    for (let round = 0; round < ROUNDS; round++) {
      const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
      const calls = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          oneCall(sb, `+1425556${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`, arrivalMs(i), thinkMs),
        ),
      );
      const timeline = await sb.acs.control.timeline({ since });
      for (const serverCallId of calls) {
        const published = timeline.find(
          (e) =>
            e.kind === 'eventGrid' &&
            e.type === 'Microsoft.Communication.IncomingCall' &&
            e.serverCallId === serverCallId,
        );
        const answered = timeline.find(
          (e) => e.kind === 'request' && e.operation === 'answerCall' && e.serverCallId === serverCallId,
        );
        const recognized = timeline.find(
          (e) => e.kind === 'callback' && e.type === 'RecognizeCompleted' && e.serverCallId === serverCallId,
        );
        const next =
          recognized &&
          timeline.find((e) => e.kind === 'request' && e.serverCallId === serverCallId && e.seq > recognized.seq);
        if (published && answered) answers.push(ms(answered) - ms(published));
        if (recognized && next) turns.push(ms(next) - ms(recognized));
      }
    }
  }
  return [
    {
      metric: `IncomingCall -> :answer, ${label}`,
      p50: percentile(answers, 50),
      p99: percentile(answers, 99),
      unit: 'ms',
      samples: answers.length,
      note: 'target p99 <= 50 ms',
    },
    {
      metric: `IVR turn (callback -> next request), ${label}`,
      p50: percentile(turns, 50),
      p99: percentile(turns, 99),
      unit: 'ms',
      samples: turns.length,
      note: 'target p99 <= 80 ms',
    },
  ];
}

async function oneCall(sb: Sandbox, from: string, arriveAfterMs: number, thinkMs: number): Promise<string> {
  if (arriveAfterMs) await new Promise((r) => setTimeout(r, arriveAfterMs));
  const call = await sb.acs.control.placeCall({ from, to: '+18005550100' });
  await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000);
  if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs));
  await sb.acs.control.pressDigits(call.serverCallId, '1');
  await sb.acs.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 60_000);
  return call.serverCallId;
}

const ms = (e: TimelineEntry) => Date.parse(e.time);
