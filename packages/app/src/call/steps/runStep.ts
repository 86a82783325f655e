import type { Step } from '../../flows/flowSchema';
import type { StepContext, Flowing } from './stepContext';
import { addParticipant } from './addParticipant';
import { ask } from './ask';
import { branch } from './branch';
import { collect } from './collect';
import { record } from './record';
import { say } from './say';
import { sms } from './sms';
import { transfer } from './transfer';
import { voiceAgent } from './voiceAgent';

/** Runs one step of the flow with the handler for its kind. */
export function* runStep(run: StepContext, id: string, step: Step): Flowing {
  if ('say' in step) return yield* say(run, id, step);
  if ('ask' in step) return yield* ask(run, id, step);
  if ('collect' in step) return yield* collect(run, id, step);
  if ('transfer' in step) return yield* transfer(run, id, step);
  if ('addParticipant' in step) return yield* addParticipant(run, id, step);
  if ('record' in step) return yield* record(run, id, step);
  if ('sms' in step) return yield* sms(run, id, step);
  if ('voiceAgent' in step) return yield* voiceAgent(run, id, step);
  if ('branch' in step) return yield* branch(run, step);
  // hangup
  yield* run.hangUp();
  return { end: 'completed' };
}
