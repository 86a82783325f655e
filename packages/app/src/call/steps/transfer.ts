import type { TransferStep } from '../../flows/flowSchema';
import type { TransferInput } from '../activityTypes';
import type { StepContext, Flowing, StepResult } from './stepContext';
import type { Task } from 'durable-functions';
import { ActivityNames, CallEvents } from '../names';
import { awaitOutcome } from '../waiting';

/** How long after the ring time an outcome event may still come. */
export const EVENT_GRACE_MS = 15_000;
/**
 * How long after CallDisconnected a transfer's outcome may still come: a transferred call's leg ends right after
 * CallTransferAccepted, and when that delivery is slow (a busy host), ACS's next one, CallDisconnected, can be
 * handled first. Waiting this long keeps a transferred call from being recorded as hung up.
 */
export const LATE_TRANSFER_OUTCOME_MS = 10_000;

/** transfer: hands the call to another number or person (optionally after an announcement). */
export function* transfer(run: StepContext, id: string, step: TransferStep): Flowing {
  const { transfer: target, announce, fallback } = step;
  const timeoutSeconds = step.timeoutSeconds ?? 60;
  const failed: StepResult = fallback ? { next: fallback } : { next: undefined };
  if (announce) {
    const played = yield* run.play(id, announce);
    if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
  }
  const operationContext = run.operationContext(id);
  const sourceCallerId = run.sourceCallerId(target);
  const input: TransferInput = {
    callConnectionId: run.input.callConnectionId,
    operationContext,
    target,
    ...(sourceCallerId ? { sourceCallerId } : {}),
  };
  run.askedForPerson(id);
  const outcome = yield* awaitOutcome(run.df, {
    activity: { name: ActivityNames.transfer, input },
    operationContext,
    expect: [CallEvents.callTransferAccepted, CallEvents.callTransferFailed],
    timeoutMs: timeoutSeconds * 1000 + EVENT_GRACE_MS,
  });
  if (outcome.kind === 'disconnected') {
    if (!(yield* acceptedLate(run, operationContext))) return { end: 'caller-hung-up' };
    run.reachedPerson();
    return { end: 'transferred' };
  }
  if (outcome.kind === 'event' && outcome.name === CallEvents.callTransferAccepted) {
    run.reachedPerson();
    return { end: 'transferred' };
  }
  // A rejected request with no fallback takes the error path; otherwise (failed, rejected, nobody
  // answered) the fallback step, or the end of the call.
  if (outcome.kind === 'error' && !fallback) return { error: outcome.error };
  return failed;
}

/** Whether this transfer's CallTransferAccepted comes within LATE_TRANSFER_OUTCOME_MS after the call's leg ended. */
function* acceptedLate(run: StepContext, operationContext: string): Generator<Task, boolean, unknown> {
  const late = yield* awaitOutcome(run.df, {
    operationContext,
    expect: [CallEvents.callTransferAccepted, CallEvents.callTransferFailed],
    timeoutMs: LATE_TRANSFER_OUTCOME_MS,
  });
  return late.kind === 'event' && late.name === CallEvents.callTransferAccepted;
}
