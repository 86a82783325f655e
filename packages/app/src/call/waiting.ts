import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { activityFailureOf } from './activityFailure';
import { CallEvents, type CallEventData } from './names';

// The interpreter's waiting machinery. Every Call Automation request is an activity raced against
// CallDisconnected; every outcome is an external event raced against a durable timer and CallDisconnected.
// Deterministic under replay: time comes from context.df.currentUtcDateTime only.

type DurableOrchestrationContext = OrchestrationContext['df'];

const RETRY_BACKOFF_MS = [1_000, 4_000];

export type Outcome =
  | { kind: 'event'; name: string; data: CallEventData }
  | { kind: 'timeout' }
  | { kind: 'disconnected' }
  | { kind: 'error'; error: unknown };

export interface AwaitOutcome {
  /** The request to make first (with retries of retryable failures); omit to wait on one under way. */
  activity?: { name: string; input: unknown };
  /** Only events carrying this operationContext count; others are stale. */
  operationContext: string;
  /** Outcome events to wait for. */
  expect: readonly string[];
  /** How long to wait for an outcome once the request is made. */
  timeoutMs: number;
  /** Events that also count when they carry no operationContext at all. */
  lenient?: readonly string[];
}

/**
 * Makes a request (if any) and waits for its outcome event. Fresh waiters are created before each yield
 * so that they are the newest for their name (the library hands an event to the newest waiter); the
 * activity is raced in the first round so an early callback is not lost; events whose operationContext
 * is another operation's are stale and skipped. The timer starts once the request has been accepted.
 */
export function* awaitOutcome(df: DurableOrchestrationContext, wait: AwaitOutcome): Generator<Task, Outcome, unknown> {
  const { activity, operationContext, expect, timeoutMs, lenient = [] } = wait;
  let act: Task | undefined = activity ? df.callActivity(activity.name, activity.input) : undefined;
  let deadline: Date | undefined;
  let attempt = 0;
  for (;;) {
    const waits = expect.map((name) => ({ name, task: df.waitForExternalEvent(name) }));
    const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
    let timer: TimerTask | undefined;
    const race: Task[] = [...waits.map((w) => w.task), hangup];
    if (act) race.unshift(act);
    else {
      deadline ??= new Date(df.currentUtcDateTime.getTime() + timeoutMs);
      timer = df.createTimer(deadline);
      race.push(timer);
    }
    const winner = (yield df.Task.any(race)) as Task;
    if (timer && winner === timer) return { kind: 'timeout' };
    if (timer && !timer.isCompleted) timer.cancel();
    if (activity && winner === act) {
      act = undefined;
      if (winner.isFaulted) {
        if (!isRetryable(winner.result) || attempt >= RETRY_BACKOFF_MS.length)
          return { kind: 'error', error: winner.result };
        if ((yield* pause(df, RETRY_BACKOFF_MS[attempt++])) === 'disconnected') return { kind: 'disconnected' };
        // Same input, same operationContext: the events of either attempt count.
        act = df.callActivity(activity.name, activity.input);
      }
      continue;
    }
    if (winner === hangup) return { kind: 'disconnected' };
    const hit = waits.find((w) => w.task === winner);
    const data = (winner.result ?? {}) as CallEventData;
    if (!hit) continue;
    const matches =
      data.operationContext === operationContext || (lenient.includes(hit.name) && !data.operationContext);
    // A stale event (an earlier operation's) does not end the wait; if it beat the activity's
    // completion, the activity's result is no longer awaited (ACS already acted on it).
    act = undefined;
    if (matches) return { kind: 'event', name: hit.name, data };
  }
}

/** Runs an activity that has no outcome event, raced against the caller hanging up. */
export function* runActivity(
  df: DurableOrchestrationContext,
  activity: string,
  input: unknown,
): Generator<Task, Outcome | { kind: 'done'; result: unknown }, unknown> {
  for (let attempt = 0; ; attempt++) {
    const act = df.callActivity(activity, input);
    const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
    const winner = yield df.Task.any([act, hangup]);
    if (winner === hangup) return { kind: 'disconnected' };
    if (!act.isFaulted) return { kind: 'done', result: act.result };
    if (!isRetryable(act.result) || attempt >= RETRY_BACKOFF_MS.length) return { kind: 'error', error: act.result };
    if ((yield* pause(df, RETRY_BACKOFF_MS[attempt])) === 'disconnected') return { kind: 'disconnected' };
  }
}

/** A durable pause (voicemail length, retry backoff) that ends early when the caller hangs up. */
export function* pause(
  df: DurableOrchestrationContext,
  ms: number,
): Generator<Task, 'elapsed' | 'disconnected', unknown> {
  const timer = df.createTimer(new Date(df.currentUtcDateTime.getTime() + ms));
  const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
  const winner = yield df.Task.any([timer, hangup]);
  if (winner === hangup) {
    timer.cancel();
    return 'disconnected';
  }
  return 'elapsed';
}

function isRetryable(error: unknown): boolean {
  return activityFailureOf(error)?.retryable === true;
}
