import type { AddParticipantStep } from '../../flows/flowSchema';
import type { AddParticipantInput } from '../activityTypes';
import type { StepContext, Flowing } from './stepContext';
import { ActivityNames, CallEvents } from '../names';
import { awaitOutcome } from '../waiting';
import { EVENT_GRACE_MS } from './transfer';

/** addParticipant: brings someone else into the call (optionally after an announcement). */
export function* addParticipant(run: StepContext, id: string, step: AddParticipantStep): Flowing {
  const a = step.addParticipant;
  if (a.announce) {
    const played = yield* run.play(id, a.announce);
    if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
  }
  const operationContext = run.operationContext(id);
  const timeoutSeconds = a.timeoutSeconds ?? 60;
  const sourceCallerId = run.sourceCallerId(a.target);
  const input: AddParticipantInput = {
    callConnectionId: run.input.callConnectionId,
    operationContext,
    target: a.target,
    invitationTimeoutSeconds: timeoutSeconds,
    ...(sourceCallerId ? { sourceCallerId } : {}),
  };
  run.askedForPerson(id);
  const outcome = yield* awaitOutcome(run.df, {
    activity: { name: ActivityNames.addParticipant, input },
    operationContext,
    expect: [CallEvents.addParticipantSucceeded, CallEvents.addParticipantFailed],
    timeoutMs: timeoutSeconds * 1000 + EVENT_GRACE_MS,
  });
  if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
  if (outcome.kind === 'event' && outcome.name === CallEvents.addParticipantSucceeded) {
    run.reachedPerson();
    return { next: step.next };
  }
  return { next: step.fallback ?? step.next };
}
