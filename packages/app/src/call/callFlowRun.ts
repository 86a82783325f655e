import type { OrchestrationContext, Task } from 'durable-functions';
import { phoneNumberOf } from '../acs/identifiers';
import { E164 } from '../flows/patterns';
import type { Flow, Prompt, Step } from '../flows/flowSchema';
import { maskVariables } from '../flows/maskVariables';
import type { HangUpInput, PlayInput, PlaySource } from './activityTypes';
import { ActivityNames, CallEvents } from './names';
import { toPlaySources } from './prompts';
import { runStep } from './steps/runStep';
import type { StepContext, StepResult } from './steps/stepContext';

export type { Flowing, StepResult } from './steps/stepContext';
import type { CallFacts, CallFlowInput, CallFlowOutput, CallFlowProgress, CallFlowStatus, CallOutcome } from './types';
import { awaitOutcome, runActivity, type Outcome } from './waiting';

// The call's durable orchestration: interprets one flow for one call, one step at a time (step handlers
// in steps/, the waiting machinery in waiting.ts). Deterministic under replay: the flow travels in the
// input, time comes from context.df.currentUtcDateTime, operation contexts come from a counter.

const PLAY_TIMEOUT_MS = 5 * 60_000; // a safety net for events ACS should always send; prompts can be long
const DEFAULT_STEP_LIMIT = 200;
const PATH_LENGTH = 20;
/** Steps per orchestration generation: replay cost grows with history, so long calls continue as new. */
export const STEPS_PER_GENERATION = 25;

/** Where a step leads: another step, the end of the flow (hang up), or the error path. */

/** What a finished run returns: the flow's output, and what analytics needs (the orchestration keeps it apart). */
export type FinishedRun = CallFlowOutput & { path: string[]; facts: CallFacts };

/** A run either ends the call or hands its progress to the next generation of the orchestration. */
export type RunResult = FinishedRun | { continueWith: CallFlowProgress };

/** One flow run for one call: its state and the requests every step makes. */
export class CallFlowRun implements StepContext {
  readonly variables: Record<string, string>;
  /** Noted by the steps for analytics; carried across generations. */
  readonly facts: CallFacts;
  private operations = 0;
  private stepsTaken = 0;
  private readonly path: string[] = [];
  private current: string;
  private failingStep: string | undefined;

  constructor(
    readonly context: OrchestrationContext,
    readonly input: CallFlowInput,
  ) {
    const progress = input.progress;
    this.variables = progress
      ? { ...progress.variables }
      : { ...(input.flow.variables ?? {}), ...(input.variables ?? {}) };
    this.facts = { ...(progress?.facts ?? {}) };
    this.current = progress?.step ?? input.startStep ?? input.flow.start;
    if (progress) {
      this.operations = progress.operations;
      this.stepsTaken = progress.stepsTaken;
      this.path.push(...progress.path);
      this.failingStep = progress.failingStep;
    }
  }

  get flow(): Flow {
    return this.input.flow;
  }

  get df(): OrchestrationContext['df'] {
    return this.context.df;
  }

  *run(): Generator<Task, RunResult, unknown> {
    const limit = this.flow.maxSteps ?? DEFAULT_STEP_LIMIT;
    const generationStart = this.stepsTaken;
    for (;;) {
      if (this.stepsTaken - generationStart >= STEPS_PER_GENERATION && this.stepsTaken < limit)
        return { continueWith: this.progress() };
      if (this.stepsTaken >= limit) {
        yield* this.hangUp();
        return this.finish('step-limit');
      }
      const id = this.current;
      const step: Step | undefined = this.flow.steps[id];
      this.stepsTaken += 1;
      this.path.push(id);
      if (this.path.length > PATH_LENGTH) this.path.shift();
      this.df.setCustomStatus(this.status());

      const result: StepResult = step ? yield* runStep(this, id, step) : { error: new Error('unknown step') };

      if ('end' in result) return this.finish(result.end);
      if ('error' in result) {
        // A failed Call Automation request: go to the step's (or flow's) error step, once per failure.
        const target = (step && 'onError' in step ? step.onError : undefined) ?? this.flow.onError;
        if (target === undefined || target === id || this.failingStep === id) {
          yield* this.hangUp();
          return this.finish('failed');
        }
        this.failingStep = target;
        this.current = target;
        continue;
      }
      if (result.next === undefined) {
        yield* this.hangUp();
        return this.finish('completed');
      }
      if (this.failingStep !== undefined && id === this.failingStep) this.failingStep = undefined;
      this.current = result.next;
    }
  }

  private progress(): CallFlowProgress {
    return {
      step: this.current,
      variables: { ...this.variables },
      stepsTaken: this.stepsTaken,
      operations: this.operations,
      path: [...this.path],
      failingStep: this.failingStep,
      facts: { ...this.facts },
    };
  }

  private status(): CallFlowStatus {
    return {
      step: this.current,
      stepsTaken: this.stepsTaken,
      variables: maskVariables(this.variables),
      path: [...this.path],
    };
  }

  private finish(outcome: CallOutcome): FinishedRun {
    this.df.setCustomStatus({ ...this.status(), outcome });
    return {
      outcome,
      lastStep: this.current,
      stepsTaken: this.stepsTaken,
      variables: maskVariables(this.variables),
      path: [...this.path],
      facts: { ...this.facts },
    };
  }

  /** Notes, for analytics, that this step asks for a person now. */
  askedForPerson(stepId: string): void {
    Object.assign(this.facts, { personStep: stepId, personRequestedAt: this.df.currentUtcDateTime.toISOString() });
    delete this.facts.personReachedAt;
  }

  /** Notes, for analytics, that the person asked for accepted now. */
  reachedPerson(): void {
    this.facts.personReachedAt = this.df.currentUtcDateTime.toISOString();
  }

  // ---- what steps share -------------------------------------------------------------------------

  /** A fresh operationContext for a request of this step. */
  operationContext(stepId: string): string {
    this.operations += 1;
    return `${stepId}:${this.operations}`;
  }

  sources(prompt: Prompt): PlaySource[] {
    return toPlaySources(prompt, this.flow, this.variables);
  }

  *hangUp(): Generator<Task, void, unknown> {
    const input: HangUpInput = { callConnectionId: this.input.callConnectionId, forEveryone: true };
    // Failing to hang up a call that is already gone is not worth a failure path.
    yield* runActivity(this.df, ActivityNames.hangUp, input);
  }

  /** Plays a prompt and waits until it has played. */
  *play(id: string, prompt: Prompt): Generator<Task, Outcome, unknown> {
    const operationContext = this.operationContext(id);
    const input: PlayInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext,
      sources: this.sources(prompt),
    };
    const outcome = yield* awaitOutcome(this.df, {
      activity: { name: ActivityNames.play, input },
      operationContext,
      expect: [CallEvents.playCompleted, CallEvents.playFailed, CallEvents.playCanceled],
      timeoutMs: PLAY_TIMEOUT_MS,
    });
    if (outcome.kind === 'event' && outcome.name === CallEvents.playFailed)
      return { kind: 'error', error: new Error('play failed') };
    return outcome;
  }

  /** Caller id for calls out to a PSTN number: the ACS number the call came in on. */
  sourceCallerId(target: string): string | undefined {
    const dialled = phoneNumberOf(this.input.dialled);
    return E164.test(target) && E164.test(dialled) ? dialled : undefined;
  }
}

/** Runs a flow with an input the caller assembled (e.g. once CallConnected has named the connection). */
export function* runCallFlow(context: OrchestrationContext, input: CallFlowInput): Generator<Task, RunResult, unknown> {
  return yield* new CallFlowRun(context, input).run();
}

/** The orchestration's output: the finished run without what only analytics reads. */
export function flowOutput(result: FinishedRun): CallFlowOutput {
  const { path: _path, facts: _facts, ...output } = result;
  return output;
}
