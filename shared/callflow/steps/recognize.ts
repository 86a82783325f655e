import type { Task } from 'durable-functions';
import type { RecognizeInput } from '../activityTypes';
import type { CallFlowRun } from '../callFlowRun';
import { ActivityNames, CallEvents } from '../names';
import { awaitOutcome, type Outcome } from '../waiting';

/** Time for the prompts of a recognize to play, on top of the caller's own time. */
export const PROMPT_ALLOWANCE_MS = 2 * 60_000;

/** Starts a recognize (ask, collect) and waits for its outcome. */
export function* recognize(
  run: CallFlowRun,
  id: string,
  build: (operationContext: string) => RecognizeInput,
  timeoutMs: number,
): Generator<Task, Outcome, unknown> {
  const operationContext = run.operationContext(id);
  return yield* awaitOutcome(run.df, {
    activity: { name: ActivityNames.recognize, input: build(operationContext) },
    operationContext,
    expect: [CallEvents.recognizeCompleted, CallEvents.recognizeFailed, CallEvents.recognizeCanceled],
    timeoutMs,
  });
}
