import { cpus } from 'node:os';
import { startSandbox } from '@switchboard/sandbox/startSandbox';
import { loadSuiteFlows, runLoadSuite, type CallTally } from './loadSuite';
import { sampleProcessTreeCpu } from './processTreeCpu';
import type { BenchRow } from './stats';

// `npm run bench -- load`: 200 calls ringing together with mixed callers (pressing, speaking, silent, hanging
// up mid-prompt), a third of them delivered twice at once and a fifth again after they ended, then a call of
// 500 turns, then calls at the menu through a host crash and a storage pause. Time runs 10x fast in the PSTN world, with the ring still 30 s of real time.

const CALLS = Number(process.env.BENCH_LOAD_CALLS ?? 200);
const TURNS = Number(process.env.BENCH_LOAD_TURNS ?? 500);

export async function run() {
  const sb = await startSandbox({
    acs: { timeScale: 0.1, incomingCallTimeoutMs: 300_000, answerDelayMs: 100, timelineLimit: 200_000 },
    flowsPath: loadSuiteFlows(),
  });
  const cpu = sampleProcessTreeCpu();
  try {
    const r = await runLoadSuite(sb, {
      calls: CALLS,
      longCallTurns: TURNS,
      settleMs: 180_000,
      faults: {
        restartHost: (whileDown) => sb.restartHost(whileDown),
        pauseStorage: () => sb.azurite.pause(),
        resumeStorage: () => sb.azurite.resume(),
      },
    });
    const problems = [...r.problems, ...(r.faults?.problems ?? [])];
    if (problems.length) console.log(`\nCalls that ended badly:\n${problems.join('\n')}`);
    const rows: BenchRow[] = [
      {
        metric: `calls completed / lost / stuck / wrong / orphaned (of ${r.calls})`,
        value: r.completed,
        unit: `${r.lost} / ${r.stuck} / ${r.wrong} / ${r.orphaned}`,
      },
      { metric: 'extra prompts (menu heard more often than the flow says)', value: r.extraPrompts, unit: 'prompts' },
      {
        metric: 'duplicate IncomingCall deliveries (concurrent and late)',
        value: r.duplicatesDelivered,
        unit: 'events',
      },
      {
        metric: `IncomingCall -> :answer, ${r.calls} ringing at once`,
        p50: r.answerP50Ms,
        p99: r.answerP99Ms,
        unit: 'ms',
        samples: r.calls,
        note: 'target p99 <= 1000 ms',
      },
      {
        metric: `IVR turn (RecognizeCompleted -> next request), ${r.calls} calls`,
        p50: r.turnP50Ms,
        p99: r.turnP99Ms,
        unit: 'ms',
      },
    ];
    const burstCpu = r.burstWindow && burstCpuRow(cpu.between(r.burstWindow.from, r.burstWindow.to), r.calls);
    if (burstCpu) rows.push(burstCpu);
    if (r.longCall)
      rows.push({
        metric: `long call: turn ${r.longCall.turns} latency / turn 10 latency (medians of 10 turns)`,
        p50: r.longCall.turn10Ms,
        p99: r.longCall.turn500Ms,
        value: r.longCall.ratio,
        unit: 'ratio',
        note: 'target <= 1.2',
      });
    if (r.faults) {
      const f = r.faults;
      rows.push(
        {
          metric: `faults (host killed, storage paused 5 s, RecognizeCompleted lost): completed / lost / stuck / wrong / orphaned (of ${f.calls})`,
          value: f.completed,
          unit: `${f.lost} / ${f.stuck} / ${f.wrong} / ${f.orphaned}`,
        },
        {
          metric: 'faults: menus asked again (a key press lost, or silence ran out during the fault) / extra prompts',
          value: f.askedAgain,
          unit: `${f.extraPrompts} extra`,
        },
      );
    }
    const both = (key: Exclude<keyof CallTally, 'problems'>) => r[key] + (r.faults?.[key] ?? 0);
    return {
      name: 'load',
      rows,
      calls: r.calls,
      // The burst's calls and the fault phase's together: the suite's targets hold for both.
      lost: both('lost'),
      stuck: both('stuck'),
      wrong: both('wrong'),
      orphaned: both('orphaned'),
      extraPrompts: both('extraPrompts'),
      problems,
      faults: r.faults ?? null,
      answerP99Ms: r.answerP99Ms,
      burstCpuMsPerAnswer: burstCpu?.value ?? null,
      turnRatio500: r.longCall?.ratio ?? null,
    };
  } finally {
    cpu.stop();
    await sb.stop();
  }
}

/** Names the sandbox's processes for the row: which part of the machine the burst's CPU went to. */
const ROLE_NAMES: [RegExp, string][] = [
  [/host\/main\.js$/, 'host'],
  [/azurite/, 'Azurite'],
  [/^this process$/, 'emulator and callers'],
];

/**
 * The CPU every process of the sandbox used from the first ring to the answer that set the p99, per call
 * answered by then: with C cores, no scheduling answers that many calls faster than (CPU / C).
 */
function burstCpuRow(
  window: { wallMs: number; byRole: Map<string, number>; totalMs: number },
  calls: number,
): BenchRow {
  const answered = Math.ceil(0.99 * calls);
  const parts = [...window.byRole]
    .filter(([, ms]) => ms > 0)
    .map(([role, ms]) => `${ROLE_NAMES.find(([re]) => re.test(role))?.[1] ?? role} ${(ms / answered).toFixed(1)}`);
  const cores = cpus().length;
  return {
    metric: `burst: CPU from the first ring to the p99 answer, per call answered (all processes)`,
    value: window.totalMs / answered,
    unit: 'CPU ms',
    note: `${parts.join(', ')}; ${(window.totalMs / window.wallMs).toFixed(2)} of ${cores} cores busy for ${window.wallMs} ms`,
  };
}
