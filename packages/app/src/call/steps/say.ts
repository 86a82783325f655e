import type { SayStep } from '../../flows/flowSchema';
import type { StepContext, Flowing, StepResult } from './stepContext';

/** say: plays a prompt, then goes on (or hangs up). */
export function* say(run: StepContext, id: string, step: SayStep): Flowing {
  const after: StepResult = step.hangup ? { end: 'completed' } : { next: step.next };
  const outcome = yield* run.play(id, step.say);
  if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
  if (outcome.kind === 'error') return { error: outcome.error };
  // Played, cancelled or never confirmed: move on either way.
  if ('end' in after) yield* run.hangUp();
  return after;
}
