import type { OrchestrationContext, Task } from 'durable-functions';
import type { CallConnectionCheck, GetCallConnectionInput, HangUpInput } from './activityTypes';
import type { CallSession } from './callSession';
import { ActivityNames, CallEvents, type CallEventData } from './names';
import type { ConnectTimings, NotConnectedReason } from './types';
import { runActivity } from './waiting';

// The connect phase of a call's orchestration. ACS sends CallConnected once and never again, so a delivery lost
// under load (or the app down for a moment) must not leave the caller in silence: when it has not come after
// checkSeconds (a placed call: after its ring time too), the orchestration asks ACS where the call stands (GET
// call connection), again every checkSeconds until timeoutSeconds. Connected: the flow runs as if the event had
// come. Gone: not connected. Still connecting at the end: the call is given up and hung up, so no call outlives
// its orchestration. Deterministic under replay: time comes from context.df.currentUtcDateTime only.

/**
 * 15 s: CallConnected normally follows an answer within a second or two, and a burst's slowest answers took ~6 s
 * here, so a check at 15 s rarely costs a request, while a caller whose CallConnected was lost waits 15 s
 * instead of a minute. 60 s: the old overall limit, for calls ACS is still connecting.
 */
export const DEFAULT_CONNECT_TIMINGS: ConnectTimings = { checkSeconds: 15, timeoutSeconds: 60 };

export type Connection =
  | { kind: 'connected'; callConnectionId?: string; serverCallId?: string }
  | { kind: 'not-connected'; reason: NotConnectedReason };

type Round = Connection | { kind: 'waiting'; check?: CallConnectionCheck };

/** Waits until the call is connected (CallConnected, or ACS says so) or will not be; hangs up what it gives up. */
export function* connectCall(
  context: OrchestrationContext,
  session: CallSession,
  knownConnectionId: string | undefined,
): Generator<Task, Connection, unknown> {
  const df = context.df;
  const timings = session.connect ?? DEFAULT_CONNECT_TIMINGS;
  const from = df.currentUtcDateTime.getTime() + (session.ringTimeoutSeconds ?? 0) * 1000;
  const deadline = from + timings.timeoutSeconds * 1000;
  let callConnectionId = knownConnectionId;
  for (let round = 1; ; round++) {
    const at = Math.min(from + round * timings.checkSeconds * 1000, deadline);
    const timer = df.createTimer(new Date(at));
    let next = yield* raceConnectEvents(df, timer);
    if (next.kind !== 'waiting') timer.cancel();
    else {
      const input: GetCallConnectionInput = { callId: session.callId, callConnectionId };
      next = yield* raceConnectEvents(df, df.callActivity(ActivityNames.getCallConnection, input));
    }
    if (next.kind !== 'waiting') return next;
    // No answer from ACS (or storage) is "still connecting": only what ACS says ends the wait early.
    const check = next.check;
    callConnectionId = check?.callConnectionId ?? callConnectionId;
    if (check?.state === 'connected') {
      log(context, 'CallConnected did not come, ACS says the call is connected: the flow goes on', session);
      return { kind: 'connected', callConnectionId, serverCallId: check.serverCallId };
    }
    if (check?.state === 'gone') return { kind: 'not-connected', reason: 'ended' };
    if (at < deadline) continue;
    if (!callConnectionId) {
      log(context, 'call not connected in time; its connection is unknown, so it cannot be hung up', session);
      return { kind: 'not-connected', reason: 'timeout' };
    }
    const hangUp: HangUpInput = { callConnectionId, forEveryone: true };
    const hungUp = yield* runActivity(df, ActivityNames.hangUp, hangUp);
    const how = hungUp.kind === 'error' ? 'hanging it up failed' : 'hung up';
    log(context, `call not connected in time (ACS: ${check?.state ?? 'no answer'}): ${how}`, session);
    return { kind: 'not-connected', reason: 'timeout' };
  }
}

/**
 * Races the events that end the connect phase against `other` (a timer, or the check of ACS), with fresh waiters
 * so they are the newest for their names (the library hands an event to the newest waiter).
 */
function* raceConnectEvents(df: OrchestrationContext['df'], other: Task): Generator<Task, Round, unknown> {
  const connected = df.waitForExternalEvent(CallEvents.callConnected);
  const answerFailed = df.waitForExternalEvent(CallEvents.answerFailed);
  const createCallFailed = df.waitForExternalEvent(CallEvents.createCallFailed);
  const disconnected = df.waitForExternalEvent(CallEvents.callDisconnected);
  const winner = (yield df.Task.any([connected, answerFailed, createCallFailed, disconnected, other])) as Task;
  if (winner === other) {
    const check = other.isFaulted ? undefined : (other.result as CallConnectionCheck | null | undefined);
    return { kind: 'waiting', check: check ?? undefined };
  }
  if (winner === createCallFailed) return { kind: 'not-connected', reason: 'no-answer' };
  if (winner === answerFailed) return { kind: 'not-connected', reason: 'failed' };
  if (winner === disconnected) return { kind: 'not-connected', reason: 'caller-hung-up' };
  const data = (connected.result ?? {}) as CallEventData;
  return { kind: 'connected', callConnectionId: data.callConnectionId, serverCallId: data.serverCallId };
}

/** Logged once, not on every replay; the call id only (no phone numbers). */
function log(context: OrchestrationContext, message: string, session: CallSession): void {
  if (!context.df.isReplaying) context.warn(message, { callId: session.callId, direction: session.direction });
}
