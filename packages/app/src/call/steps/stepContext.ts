import type { OrchestrationContext, Task } from 'durable-functions';
import type { Flow, Prompt } from '../../flows/flowSchema';
import type { PlaySource } from '../activityTypes';
import type { CallFacts, CallFlowInput, CallOutcome } from '../types';
import type { Outcome } from '../waiting';

/** What a step may do to its call: all a step sees of the interpreter that runs it. */
export interface StepContext {
  readonly df: OrchestrationContext['df'];
  readonly flow: Flow;
  readonly input: CallFlowInput;
  /** The flow's variables, which steps read and set (collect, ask's saveAs). */
  readonly variables: Record<string, string>;
  /** The operationContext of the step's next request; ACS echoes it in the outcome event. */
  operationContext(stepId: string): string;
  /** A prompt as ACS play sources, with the call's variables filled in. */
  sources(prompt: Prompt): PlaySource[];
  hangUp(): Generator<Task, void, unknown>;
  /** Plays a prompt and waits until it has been heard (or the caller hangs up). */
  play(id: string, prompt: Prompt): Generator<Task, Outcome, unknown>;
  /** The number a transfer to `target` should show as its caller, if the flow may present one. */
  sourceCallerId(target: string): string | undefined;
  /** What analytics learns of the call as it runs (a person asked for and reached, a voicemail). */
  readonly facts: CallFacts;
  /** The caller is being put through to a person by `stepId` (time to a person starts). */
  askedForPerson(stepId: string): void;
  /** A person answered. */
  reachedPerson(): void;
}

/** How a step ends: the next step, the end of the call, or a failure the flow routes to onError. */
export type StepResult = { next: string | undefined } | { end: CallOutcome } | { error: unknown };

export type Flowing = Generator<Task, StepResult, unknown>;
