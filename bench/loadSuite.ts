import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimelineEntry } from '@switchboard/acs-emulator';
import type { AcsControlClient } from '@switchboard/acs-emulator/controlClient';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { percentile } from './stats';

/** The running sandbox, as the suite drives it: the app's host and the emulator's control API. */
export interface SwitchboardSandbox {
  host: { url: string; durableKey: string };
  acs: { control: AcsControlClient };
}

/** The faults the suite can inject: the host killed and started again, storage that stops answering. */
export interface FaultControls {
  /** Kills the host (nothing flushed) and starts it again, running `whileDown` in between. */
  restartHost(whileDown?: () => Promise<void>): Promise<void>;
  pauseStorage(): void;
  resumeStorage(): void;
}

// The load and fault suite: many calls at once with mixed callers, duplicate and late Event Grid deliveries,
// then a check of every call's end as ACS and the caller see it. Shared by `npm run bench -- load` (200 calls,
// a 500-turn call) and a small version in `npm test` (which asserts correctness only, never timing).

export const MAIN_LINE = '+18005550100';
export const LONG_LINE = '+18005550900';
export const FAULT_LINE = '+18005550700';

/**
 * The suite's flows: a menu line (the shape of test-lines.yaml's main line), a line whose menu loops, and the
 * fault phase's line, whose menu waits 30 s (3 s at the suite's 10x time) so a crash fits inside it.
 */
export function loadSuiteFlows(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-load-'));
  writeFileSync(
    join(dir, 'load.yaml'),
    `flows:
  mainLine:
    numbers: ["${MAIN_LINE}"]
    start: welcome
    steps:
      welcome: { say: "Thanks for calling.", next: menu }
      menu:
        ask: "For billing press 1 or say billing. For sales press 2 or say sales."
        input: speechOrDtmf
        choices:
          - { label: billing, dtmf: "1", phrases: [billing, invoice], next: billing }
          - { label: sales, dtmf: "2", phrases: [sales, buy], next: sales }
        retries: 1
        noInput: "Sorry, I didn't hear anything."
        noMatch: "Sorry, I didn't get that."
        timeoutSeconds: 5
        onFail: agent
      billing: { transfer: "+18005550111", announce: "Connecting you to billing.", fallback: bye }
      sales: { transfer: "+18005550122", fallback: bye }
      agent: { transfer: "+18005550133", fallback: bye }
      bye: { say: "Goodbye.", hangup: true }
  longLine:
    numbers: ["${LONG_LINE}"]
    maxSteps: 1000
    start: menu
    steps:
      menu:
        ask: "Press 1 to go on, 2 to stop."
        choices:
          - { label: more, dtmf: "1", next: menu }
          - { label: stop, dtmf: "2", next: bye }
        retries: 0
        timeoutSeconds: 60
        onFail: bye
      bye: { say: "Goodbye.", hangup: true }
  faultLine:
    numbers: ["${FAULT_LINE}"]
    start: menu
    steps:
      menu:
        ask: "For billing press 1."
        choices:
          - { label: billing, dtmf: "1", next: billing }
        retries: 1
        timeoutSeconds: 30
        onFail: agent
      billing: { transfer: "+18005550111", fallback: bye }
      agent: { transfer: "+18005550133", fallback: bye }
      bye: { say: "Goodbye.", hangup: true }
`,
  );
  return dir;
}

type Caller = 'press' | 'speak' | 'silent' | 'hangup';
const CALLERS: Caller[] = ['press', 'speak', 'silent', 'hangup'];
/** What each kind of caller must end with, and how many times it must hear the menu (loadSuiteFlows). */
const EXPECTED: Record<Caller, { outcome: string; prompts: number }> = {
  press: { outcome: 'transferred', prompts: 1 },
  speak: { outcome: 'transferred', prompts: 1 },
  silent: { outcome: 'transferred', prompts: 2 }, // one retry, then onFail: agent
  hangup: { outcome: 'caller-hung-up', prompts: 1 },
};

export interface LoadOptions {
  calls: number;
  /** Turns of the long call (0: none). */
  longCallTurns: number;
  /** How long to wait for every call to end once the callers are done. */
  settleMs?: number;
  /** Given, a fault phase follows the burst: calls at the menu through a host crash and a storage pause. */
  faults?: FaultControls;
}

/** How a set of calls ended: each call counts once in completed / lost / stuck / wrong, and maybe in orphaned. */
export interface CallTally {
  calls: number;
  completed: number;
  lost: number;
  stuck: number;
  wrong: number;
  orphaned: number;
  extraPrompts: number;
  /** Each call counted lost, stuck, wrong or orphaned (the first few): what it is, and what ACS and the app saw. */
  problems: string[];
}

const emptyTally = (calls: number): CallTally => ({
  calls,
  completed: 0,
  lost: 0,
  stuck: 0,
  wrong: 0,
  orphaned: 0,
  extraPrompts: 0,
  problems: [],
});

const PROBLEMS_KEPT = 5;

export interface LoadResult extends CallTally {
  duplicatesDelivered: number;
  answerP50Ms: number;
  answerP99Ms: number;
  /** The burst's window, epoch ms: its first IncomingCall published, and the answer that set the p99. */
  burstWindow?: { from: number; to: number };
  turnP50Ms: number;
  turnP99Ms: number;
  longCall?: { turns: number; turn10Ms: number; turn500Ms: number; ratio: number };
  faults?: FaultResult;
}

export interface FaultResult extends CallTally {
  /** Menus asked again because the answer never reached the app (lost key press) or the caller's silence ran out. */
  askedAgain: number;
}

interface CallRun {
  serverCallId: string;
  caller: Caller;
}

const ms = (e: TimelineEntry) => Date.parse(e.time);

/** Posts an IncomingCall to the app again, as Event Grid redelivers it (or as ACS's second event). */
async function redeliver(sb: SwitchboardSandbox, entry: TimelineEntry, id: string): Promise<void> {
  await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify([
      {
        id,
        topic: '/acs',
        subject: '',
        eventType: 'Microsoft.Communication.IncomingCall',
        eventTime: new Date().toISOString(),
        dataVersion: '1.0',
        metadataVersion: '1',
        data: entry.data,
      },
    ]),
  });
}

async function incomingCallEntry(sb: SwitchboardSandbox, serverCallId: string): Promise<TimelineEntry> {
  return sb.acs.control.waitForEventGrid('Microsoft.Communication.IncomingCall', { serverCallId }, 30_000);
}

async function oneCall(sb: SwitchboardSandbox, index: number): Promise<CallRun> {
  const caller = CALLERS[index % CALLERS.length];
  const from = `+1425${String(5_000_000 + index).padStart(7, '0')}`;
  const call = await sb.acs.control.placeCall({ from, to: MAIN_LINE });
  // Every third call: its IncomingCall arrives twice at once (ACS's second event, an early Event Grid retry).
  if (index % 3 === 0) void redeliver(sb, await incomingCallEntry(sb, call.serverCallId), `dup-${index}`);
  const asked = await sb.acs.control
    .waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000)
    .catch(() => undefined);
  if (!asked) return { serverCallId: call.serverCallId, caller };
  if (caller === 'press') await sb.acs.control.pressDigits(call.serverCallId, '1');
  if (caller === 'speak') await sb.acs.control.say(call.serverCallId, 'sales');
  if (caller === 'hangup') await sb.acs.control.hangUp(call.serverCallId);
  return { serverCallId: call.serverCallId, caller };
}

async function status(sb: SwitchboardSandbox, callId: string) {
  const response = await fetch(`${sb.host.url}/runtime/webhooks/durabletask/instances/${callId}`, {
    headers: { 'x-functions-key': sb.host.durableKey },
  });
  if (response.status === 404) return undefined;
  return (await response.json()) as { runtimeStatus: string; output?: { outcome?: string } };
}

/** Waits (polling the host, never sleeping blind) until no call is still running, or the deadline passes. */
async function settle(sb: SwitchboardSandbox, callIds: string[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const statuses = await Promise.all(callIds.map((id) => status(sb, id)));
    if (statuses.every((s) => s && !['Running', 'Pending'].includes(s.runtimeStatus))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function longCall(sb: SwitchboardSandbox, turns: number): Promise<LoadResult['longCall']> {
  const call = await sb.acs.control.placeCall({ from: '+14255559999', to: LONG_LINE });
  const latencies: number[] = [];
  let since = 0;
  for (let turn = 1; turn <= turns; turn++) {
    const asked = await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId, since }, 60_000);
    since = asked.seq;
    if (turn > 1) {
      const [completed] = (await sb.acs.control.timeline({ serverCallId: call.serverCallId, since: since - 50 }))
        .filter((e) => e.kind === 'callback' && e.type === 'RecognizeCompleted' && e.seq < asked.seq)
        .slice(-1);
      if (completed) latencies.push(ms(asked) - ms(completed));
    }
    await sb.acs.control.pressDigits(call.serverCallId, turn === turns ? '2' : '1');
  }
  // Medians of the ten turns around turn 10 and the ten before the last: single turns are too noisy.
  const around = (from: number) => percentile(latencies.slice(Math.max(0, from), from + 10), 50);
  const turn10Ms = around(5);
  const turn500Ms = around(latencies.length - 10);
  return { turns, turn10Ms, turn500Ms, ratio: turn500Ms / turn10Ms };
}

export async function runLoadSuite(sb: SwitchboardSandbox, options: LoadOptions): Promise<LoadResult> {
  const start = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
  const runs = await Promise.all(Array.from({ length: options.calls }, (_, i) => oneCall(sb, i)));
  const callIds = runs.map((r) => callIdFor(r.serverCallId));
  await settle(sb, callIds, Date.now() + (options.settleMs ?? 120_000));

  // Every fifth call: Event Grid delivers its IncomingCall again after the call has ended.
  let duplicatesDelivered = runs.filter((_, i) => i % 3 === 0).length;
  for (const [i, run] of runs.entries()) {
    if (i % 5 !== 0) continue;
    await redeliver(sb, await incomingCallEntry(sb, run.serverCallId), `late-${i}`);
    duplicatesDelivered++;
  }

  const timeline = await sb.acs.control.timeline({ since: start });
  const result: LoadResult = {
    ...emptyTally(runs.length),
    duplicatesDelivered,
    answerP50Ms: NaN,
    answerP99Ms: NaN,
    turnP50Ms: NaN,
    turnP99Ms: NaN,
  };
  const answers: number[] = [];
  const published: number[] = [];
  const answeredAt: number[] = [];
  const turns: number[] = [];
  for (const run of runs) {
    const entries = timeline.filter((e) => e.serverCallId === run.serverCallId);
    const ringing = entries.find((e) => e.kind === 'eventGrid');
    const answered = entries.filter((e) => e.kind === 'request' && e.operation === 'answerCall');
    if (ringing) published.push(ms(ringing));
    if (ringing && answered[0]) {
      answers.push(ms(answered[0]) - ms(ringing));
      answeredAt.push(ms(answered[0]));
    }
    const recognized = entries.find((e) => e.kind === 'callback' && e.type === 'RecognizeCompleted');
    const next = recognized && entries.find((e) => e.kind === 'request' && e.seq > recognized.seq);
    if (recognized && next) turns.push(ms(next) - ms(recognized));
    const prompts = entries.filter((e) => e.kind === 'request' && e.operation === 'recognize').length;
    result.extraPrompts += Math.max(0, prompts - EXPECTED[run.caller].prompts);

    await tally(result, sb, run.serverCallId, answered.length > 0, EXPECTED[run.caller].outcome);
  }
  result.answerP50Ms = percentile(answers, 50);
  result.answerP99Ms = percentile(answers, 99);
  if (answeredAt.length > 0) result.burstWindow = { from: Math.min(...published), to: percentile(answeredAt, 99) };
  result.turnP50Ms = percentile(turns, 50);
  result.turnP99Ms = percentile(turns, 99);
  if (options.longCallTurns > 0) result.longCall = await longCall(sb, options.longCallTurns);
  if (options.faults) result.faults = await faultPhase(sb, options.faults, options.settleMs ?? 120_000);
  return result;
}

/** Counts how a call ended, as the caller (ACS's view of the call) and the app's records see it. */
async function tally(
  into: CallTally,
  sb: SwitchboardSandbox,
  serverCallId: string,
  answered: boolean,
  expected: string,
): Promise<void> {
  const state = await status(sb, callIdFor(serverCallId));
  const ended = state !== undefined && !['Running', 'Pending'].includes(state.runtimeStatus);
  let problem: 'lost' | 'stuck' | 'wrong' | 'orphaned' | undefined = !answered
    ? 'lost'
    : !ended
      ? 'stuck'
      : state.output?.outcome === expected
        ? undefined
        : 'wrong';
  if (problem) into[problem]++;
  else into.completed++;
  // The app's leg still up with nobody driving it: connected, not handed to a person, orchestration over.
  const acsCall = await sb.acs.control.getCall(serverCallId);
  if (ended && acsCall.state === 'connected' && !acsCall.connectedTo) {
    into.orphaned++;
    problem ??= 'orphaned';
  }
  if (problem && into.problems.length < PROBLEMS_KEPT)
    into.problems.push(await describeProblem(sb, serverCallId, problem, expected, state, acsCall.state));
}

/** One call that ended badly, for the report: the app's status of it and the emulator's record of the call. */
async function describeProblem(
  sb: SwitchboardSandbox,
  serverCallId: string,
  problem: string,
  expected: string,
  state: Awaited<ReturnType<typeof status>>,
  acsState: string,
): Promise<string> {
  const entries = await sb.acs.control.timeline({ serverCallId });
  const lines = entries.map(
    (e) =>
      `  ${e.time.slice(11, 23)} ${e.kind} ${e.type ?? e.operation ?? ''}` +
      `${e.status ? ` ${e.status}` : ''}${e.attempt ? ` attempt ${e.attempt}` : ''}${e.error ? ` (${e.error})` : ''}`,
  );
  const app = state ? `${state.runtimeStatus}${state.output?.outcome ? `, ${state.output.outcome}` : ''}` : 'none';
  return (
    `${problem} call ${callIdFor(serverCallId)} (expected ${expected}; orchestration ${app}; ACS call ${acsState}):\n` +
    `${lines.join('\n')}\n${await lastHistory(sb, callIdFor(serverCallId))}`
  );
}

/** The orchestration's custom status and last history events (Durable's numeric event types, with names). */
async function lastHistory(sb: SwitchboardSandbox, callId: string): Promise<string> {
  const response = await fetch(
    `${sb.host.url}/runtime/webhooks/durabletask/instances/${callId}?showHistory=true&showInput=false`,
    { headers: { 'x-functions-key': sb.host.durableKey } },
  ).catch(() => undefined);
  if (!response?.ok) return `  (no status: ${response?.status ?? 'host unreachable'})`;
  const status = (await response.json()) as {
    customStatus?: unknown;
    history?: { EventType: number; Name?: string; Timestamp: string }[];
  };
  const events = (status.history ?? [])
    .slice(-12)
    .map((e) => `  ${e.Timestamp.slice(11, 23)} history ${e.EventType}${e.Name ? ` ${e.Name}` : ''}`);
  return [`  custom status ${JSON.stringify(status.customStatus ?? null).slice(0, 200)}`, ...events].join('\n');
}

const FAULT_CALLS = 16;

/**
 * Callers at the menu through faults: a quarter whose RecognizeCompleted is lost on the way (the emulator's
 * loseCallback fault), a quarter press while the host is down (their callbacks reach nobody, and ACS does not
 * deliver a callback twice), a quarter while storage stops answering for 5 s, a quarter after. A caller asked
 * again presses again. Every call must still end transferred, none left connected, and no menu may be asked
 * again unless the answer to the last one never reached the app.
 */
async function faultPhase(sb: SwitchboardSandbox, faults: FaultControls, settleMs: number): Promise<FaultResult> {
  const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
  const calls = await Promise.all(
    Array.from({ length: FAULT_CALLS }, async (_, i) => {
      const from = `+1425${6_000_000 + i}`;
      const call = await sb.acs.control.placeCall({ from, to: FAULT_LINE });
      const asked = await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000);
      return { serverCallId: call.serverCallId, from, asked: asked.seq };
    }),
  );
  const press = (group: typeof calls) => Promise.all(group.map((c) => sb.acs.control.pressDigits(c.serverCallId, '1')));
  const quarter = FAULT_CALLS / 4;
  // First, while their menus are still listening: a press that would find no menu is no RecognizeCompleted at all.
  await Promise.all(calls.slice(2 * quarter, 3 * quarter).map((c) => pressIntoLoss(sb, c)));
  await faults.restartHost(() => press(calls.slice(0, quarter)).then(() => undefined));
  faults.pauseStorage();
  try {
    await press(calls.slice(quarter, 2 * quarter));
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // the fault's length, not a wait for a result
  } finally {
    faults.resumeStorage();
  }
  await press(calls.slice(3 * quarter));
  const deadline = Date.now() + settleMs;
  await Promise.all(calls.map((c) => pressWhenAskedAgain(sb, c.serverCallId, c.asked, deadline)));

  const timeline = await sb.acs.control.timeline({ since });
  const result: FaultResult = { ...emptyTally(calls.length), askedAgain: 0 };
  for (const call of calls) {
    const entries = timeline.filter((e) => e.serverCallId === call.serverCallId);
    const answered = entries.some((e) => e.kind === 'request' && e.operation === 'answerCall');
    await tally(result, sb, call.serverCallId, answered, 'transferred');
    const asks = entries.filter((e) => e.kind === 'request' && e.operation === 'recognize');
    for (const [i, ask] of asks.entries()) {
      if (i === 0) continue;
      // Asked again after the app took the answer (a delivered RecognizeCompleted): the menu was heard twice.
      const taken = entries.some(
        (e) =>
          e.kind === 'callbackDelivery' &&
          e.type === 'RecognizeCompleted' &&
          e.seq > asks[i - 1].seq &&
          e.seq < ask.seq &&
          (e.status ?? 0) >= 200 &&
          (e.status ?? 0) < 300,
      );
      if (taken) result.extraPrompts++;
      else result.askedAgain++;
    }
  }
  return result;
}

/** Presses 1 with the call's RecognizeCompleted lost on the way to the app, then lets callbacks through again. */
async function pressIntoLoss(sb: SwitchboardSandbox, call: { serverCallId: string; from: string }): Promise<void> {
  const fault = await sb.acs.control.addFault({
    kind: 'loseCallback',
    eventType: 'RecognizeCompleted',
    party: call.from,
  });
  try {
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    await sb.acs.control.waitFor(
      { kind: 'callbackDelivery', type: 'RecognizeCompleted', serverCallId: call.serverCallId },
      30_000,
    );
  } finally {
    await sb.acs.control.removeFault(fault.id);
  }
}

/** Presses 1 each time the menu is asked again, until the call's orchestration ends or the deadline. */
async function pressWhenAskedAgain(
  sb: SwitchboardSandbox,
  serverCallId: string,
  since: number,
  deadline: number,
): Promise<void> {
  const callId = callIdFor(serverCallId);
  while (Date.now() < deadline) {
    const state = await status(sb, callId).catch(() => undefined);
    if (state && !['Running', 'Pending'].includes(state.runtimeStatus)) return;
    const asked = await sb.acs.control
      .waitForRequest('recognize', { serverCallId, since }, 1_000)
      .catch(() => undefined);
    if (!asked) continue;
    since = asked.seq;
    await sb.acs.control.pressDigits(serverCallId, '1');
  }
}
