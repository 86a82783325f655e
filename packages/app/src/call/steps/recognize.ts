import type { Task } from 'durable-functions';
import type { PlaySource, RecognizeInput } from '../activityTypes';
import type { StepContext } from './stepContext';
import { ActivityNames, CallEvents } from '../names';
import { awaitOutcome, type Outcome } from '../waiting';

/** How long after its timeouts a recognize with no outcome is given up on (its callback lost), so it is asked again. */
const MARGIN_MS = 10_000;
/** Slower than any neural voice speaks, so a prompt still playing is never cut short. */
const MS_PER_CHARACTER = 100;
/** Audio files and SSML: their length is unknown here. */
const UNKNOWN_PROMPT_MS = 2 * 60_000;

/**
 * Time for a recognize's prompts to play, on top of the caller's own time: if no outcome has come by then,
 * its callback was lost (ACS does not deliver a callback twice) and the caller is asked again.
 */
export function promptAllowanceMs(prompts: readonly PlaySource[]): number {
  let ms = MARGIN_MS;
  for (const prompt of prompts)
    ms += prompt.kind === 'text' ? prompt.text.length * MS_PER_CHARACTER : UNKNOWN_PROMPT_MS;
  return ms;
}

/** Starts a recognize (ask, collect) and waits for its outcome. */
export function* recognize(
  run: StepContext,
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
