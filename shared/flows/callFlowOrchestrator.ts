import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { phoneNumberOf } from '../routing/blockList';
import { ActivityNames } from './activityNames';
import {
  RETRYABLE_MARKER,
  type AddParticipantInput,
  type HangUpInput,
  type PlayInput,
  type PlaySource,
  type RecognizeInput,
  type SendSmsInput,
  type StartMediaStreamingInput,
  type StartRecordingInput,
  type StartRecordingOutput,
  type StopMediaStreamingInput,
  type StopRecordingInput,
  type Tone,
  type TransferInput,
} from './activityTypes';
import { CallEvents, type CallEventData } from './callEventNames';
import { evaluateCondition } from './evaluateCondition';
import { E164, type AskStep, type CollectStep, type Flow, type Prompt, type Step } from './flowSchema';
import { maskVariables } from './maskVariables';
import { interpolate, toPlaySources } from './prompts';
import { classifyRecognizeFailure, keysOf, matchChoice, toneOf } from './recognition';

// The call's durable orchestration: interprets one flow for one call. Every Call Automation request is
// an activity raced against CallDisconnected; every outcome is an external event raced against a
// durable timer and CallDisconnected. Deterministic under replay: the flow travels in the input, time
// comes from context.df.currentUtcDateTime, operation contexts come from a counter.

export interface CallFlowInput {
  callConnectionId: string;
  serverCallId: string;
  /** E.164 number or ACS raw id of the caller (outbound: the person called). */
  callerId: string;
  /** The ACS number the caller dialled (outbound: the number calling out). */
  dialled: string;
  flowName: string;
  /** The validated flow, as loaded when the call started. */
  flow: Flow;
  /** Default: flow.start (routing may pick hours.closed). */
  startStep?: string;
  variables?: Record<string, string>;
}

export type CallOutcome = 'completed' | 'transferred' | 'caller-hung-up' | 'failed' | 'step-limit';

export interface CallFlowOutput {
  outcome: CallOutcome;
  lastStep: string;
  stepsTaken: number;
  /** Masked: digits replaced by "*". */
  variables: Record<string, string>;
}

/** What context.df.setCustomStatus receives before each step (read by GET /api/calls/{id}). */
export interface CallFlowStatus {
  step: string;
  stepsTaken: number;
  variables: Record<string, string>;
  /** The most recent steps, oldest first. */
  path: string[];
}

// Safety nets for events ACS should always send; generous because prompts can be long.
const PLAY_TIMEOUT_MS = 5 * 60_000;
const PROMPT_ALLOWANCE_MS = 2 * 60_000;
const EVENT_GRACE_MS = 15_000;
const MEDIA_START_TIMEOUT_MS = 30_000;
const DEFAULT_STEP_LIMIT = 200;
const RETRY_BACKOFF_MS = [1_000, 4_000];
const PATH_LENGTH = 20;

type Outcome =
  | { kind: 'event'; name: string; data: CallEventData }
  | { kind: 'timeout' }
  | { kind: 'disconnected' }
  | { kind: 'error'; error: unknown };

/** Where a step leads: another step, the end of the flow (hang up), or the end of the orchestration. */
type StepResult = { next: string | undefined } | { end: CallOutcome } | { error: unknown };

type Flowing = Generator<Task, StepResult, unknown>;

class CallFlowRun {
  private readonly variables: Record<string, string>;
  private operations = 0;
  private stepsTaken = 0;
  private readonly path: string[] = [];
  private current: string;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly input: CallFlowInput,
  ) {
    this.variables = { ...(input.flow.variables ?? {}), ...(input.variables ?? {}) };
    this.current = input.startStep ?? input.flow.start;
  }

  private get flow(): Flow {
    return this.input.flow;
  }

  *run(): Generator<Task, CallFlowOutput, unknown> {
    const limit = this.flow.maxSteps ?? DEFAULT_STEP_LIMIT;
    let failingStep: string | undefined;
    for (;;) {
      if (this.stepsTaken >= limit) {
        yield* this.hangUp();
        return this.finish('step-limit');
      }
      const id = this.current;
      const step = this.flow.steps[id];
      this.stepsTaken += 1;
      this.path.push(id);
      if (this.path.length > PATH_LENGTH) this.path.shift();
      this.context.df.setCustomStatus(this.status());

      const result: StepResult = step ? yield* this.runStep(id, step) : { error: new Error('unknown step') };

      if ('end' in result) return this.finish(result.end);
      if ('error' in result) {
        // A failed Call Automation request: go to the step's (or flow's) error step, once per failure.
        const target = (step && 'onError' in step ? step.onError : undefined) ?? this.flow.onError;
        if (target === undefined || target === id || failingStep === id) {
          yield* this.hangUp();
          return this.finish('failed');
        }
        failingStep = target;
        this.current = target;
        continue;
      }
      if (result.next === undefined) {
        yield* this.hangUp();
        return this.finish('completed');
      }
      if (failingStep !== undefined && id === failingStep) failingStep = undefined;
      this.current = result.next;
    }
  }

  private status(): CallFlowStatus {
    return {
      step: this.current,
      stepsTaken: this.stepsTaken,
      variables: maskVariables(this.variables),
      path: [...this.path],
    };
  }

  private finish(outcome: CallOutcome): CallFlowOutput {
    this.context.df.setCustomStatus({ ...this.status(), outcome });
    return { outcome, lastStep: this.current, stepsTaken: this.stepsTaken, variables: maskVariables(this.variables) };
  }

  private *runStep(id: string, step: Step): Flowing {
    if ('say' in step) return yield* this.say(id, step.say, step.hangup ? { end: 'completed' } : { next: step.next });
    if ('ask' in step) return yield* this.ask(id, step);
    if ('collect' in step) return yield* this.collect(id, step);
    if ('transfer' in step)
      return yield* this.transfer(id, step.transfer, step.announce, step.timeoutSeconds ?? 60, step.fallback);
    if ('addParticipant' in step) return yield* this.addParticipant(id, step);
    if ('record' in step) return yield* this.record(id, step.record.consent, step.record.maxSeconds ?? 120, step.next);
    if ('sms' in step) return yield* this.sms(id, step.sms, step.next);
    if ('voiceAgent' in step) return yield* this.voiceAgent(id, step);
    if ('branch' in step) {
      const facts = {
        variables: this.variables,
        caller: this.input.callerId,
        dialled: this.input.dialled,
        now: this.context.df.currentUtcDateTime,
        hours: this.flow.hours,
      };
      const hit = step.branch.find((b) => evaluateCondition(b.when, facts));
      return { next: hit ? hit.next : step.otherwise };
    }
    // hangup
    yield* this.hangUp();
    return { end: 'completed' };
  }

  // ---- the waiting machinery --------------------------------------------------------------------

  private operationContext(stepId: string): string {
    this.operations += 1;
    return `${stepId}:${this.operations}`;
  }

  /**
   * Schedules an activity and waits for its outcome event. Fresh waiters are created before each
   * yield so that they are the newest for their name (the library hands an event to the newest
   * waiter); the activity is raced in the first round so an early callback is not lost; events
   * whose operationContext is another operation's are stale and skipped.
   */
  private *request(
    activity: string,
    input: unknown,
    operationContext: string,
    expect: readonly string[],
    timeoutMs: number,
    lenient: readonly string[] = [],
  ): Generator<Task, Outcome, unknown> {
    const df = this.context.df;
    let act: Task | undefined = df.callActivity(activity, input);
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
      if (winner === act) {
        act = undefined;
        if (winner.isFaulted) {
          if (!isRetryable(winner.result) || attempt >= RETRY_BACKOFF_MS.length)
            return { kind: 'error', error: winner.result };
          if ((yield* this.pause(RETRY_BACKOFF_MS[attempt++])) === 'disconnected') return { kind: 'disconnected' };
          // Same input, same operationContext: the events of either attempt count.
          act = df.callActivity(activity, input);
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
  private *call(
    activity: string,
    input: unknown,
  ): Generator<Task, Outcome | { kind: 'done'; result: unknown }, unknown> {
    const df = this.context.df;
    for (let attempt = 0; ; attempt++) {
      const act = df.callActivity(activity, input);
      const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
      const winner = yield df.Task.any([act, hangup]);
      if (winner === hangup) return { kind: 'disconnected' };
      if (!act.isFaulted) return { kind: 'done', result: act.result };
      if (!isRetryable(act.result) || attempt >= RETRY_BACKOFF_MS.length) return { kind: 'error', error: act.result };
      if ((yield* this.pause(RETRY_BACKOFF_MS[attempt])) === 'disconnected') return { kind: 'disconnected' };
    }
  }

  /** A durable pause (voicemail length) that ends early when the caller hangs up. */
  private *pause(ms: number): Generator<Task, 'elapsed' | 'disconnected', unknown> {
    const df = this.context.df;
    const timer = df.createTimer(new Date(df.currentUtcDateTime.getTime() + ms));
    const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
    const winner = yield df.Task.any([timer, hangup]);
    if (winner === hangup) {
      timer.cancel();
      return 'disconnected';
    }
    return 'elapsed';
  }

  private *hangUp(): Generator<Task, void, unknown> {
    const input: HangUpInput = { callConnectionId: this.input.callConnectionId, forEveryone: true };
    // Failing to hang up a call that is already gone is not worth a failure path.
    yield* this.call(ActivityNames.hangUp, input);
  }

  private sources(prompt: Prompt): PlaySource[] {
    return toPlaySources(prompt, this.flow, this.variables);
  }

  /** Plays a prompt and waits until it has played. */
  private *play(id: string, prompt: Prompt): Generator<Task, Outcome, unknown> {
    const operationContext = this.operationContext(id);
    const input: PlayInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext,
      sources: this.sources(prompt),
    };
    const outcome = yield* this.request(
      ActivityNames.play,
      input,
      operationContext,
      [CallEvents.playCompleted, CallEvents.playFailed, CallEvents.playCanceled],
      PLAY_TIMEOUT_MS,
    );
    if (outcome.kind === 'event' && outcome.name === CallEvents.playFailed)
      return { kind: 'error', error: new Error('play failed') };
    return outcome;
  }

  // ---- steps ------------------------------------------------------------------------------------

  private *say(id: string, prompt: Prompt, after: StepResult): Flowing {
    const outcome = yield* this.play(id, prompt);
    if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (outcome.kind === 'error') return { error: outcome.error };
    // Played, cancelled or never confirmed: move on either way.
    if ('end' in after) yield* this.hangUp();
    return after;
  }

  private *recognize(
    id: string,
    build: (operationContext: string) => RecognizeInput,
    timeoutMs: number,
  ): Generator<Task, Outcome, unknown> {
    const operationContext = this.operationContext(id);
    return yield* this.request(
      ActivityNames.recognize,
      build(operationContext),
      operationContext,
      [CallEvents.recognizeCompleted, CallEvents.recognizeFailed, CallEvents.recognizeCanceled],
      timeoutMs,
    );
  }

  private *ask(id: string, step: AskStep): Flowing {
    const retries = step.retries ?? 2;
    const silence = step.timeoutSeconds ?? 5;
    const inputType = step.input ?? 'choices';
    let reprompt: Prompt | undefined;
    for (let attempt = 0; ; attempt++) {
      const prompts = [...(reprompt ? this.sources(reprompt) : []), ...this.sources(step.ask)];
      const outcome = yield* this.recognize(
        id,
        (operationContext) => ({
          callConnectionId: this.input.callConnectionId,
          operationContext,
          inputType,
          targetParticipant: this.input.callerId,
          prompts,
          interruptPrompt: step.bargeIn ?? true,
          initialSilenceTimeoutSeconds: silence,
          ...(inputType === 'dtmf' || inputType === 'speechOrDtmf'
            ? {
                dtmf: {
                  maxTones: Math.max(1, ...step.choices.map((c) => c.dtmf?.length ?? 1)),
                  stopTones: [],
                  interToneTimeoutSeconds: 2,
                },
              }
            : {}),
          ...(inputType === 'choices'
            ? {
                choices: step.choices.map((c) => ({
                  label: c.label,
                  phrases: c.phrases ?? [c.label],
                  tone: c.dtmf ? toneOf(c.dtmf) : undefined,
                })),
              }
            : {}),
          ...((step.language ?? this.flow.voice?.locale)
            ? { speechLanguage: step.language ?? this.flow.voice?.locale }
            : {}),
        }),
        silence * 1000 + PROMPT_ALLOWANCE_MS,
      );
      if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
      if (outcome.kind === 'error') return { error: outcome.error };
      let miss: 'no-input' | 'no-match' = 'no-input';
      if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeCompleted) {
        const choice = matchChoice(step, outcome.data);
        if (choice) {
          if (step.saveAs) this.variables[step.saveAs] = choice.label;
          return { next: choice.next };
        }
        miss = 'no-match';
      } else if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeFailed) {
        const failure = classifyRecognizeFailure(outcome.data);
        if (failure === 'error') return { error: new Error('recognize failed') };
        miss = failure;
      }
      if (attempt >= retries) return step.onFail ? { next: step.onFail } : { end: 'completed' };
      reprompt = miss === 'no-input' ? step.noInput : step.noMatch;
    }
  }

  private *collect(id: string, step: CollectStep): Flowing {
    const c = step.collect;
    const retries = c.retries ?? 2;
    const silence = c.timeoutSeconds ?? 5;
    const stopTones: Tone[] = (c.stopTone ?? '#') === 'none' ? [] : [toneOf(c.stopTone ?? '#')];
    let reprompt: Prompt | undefined;
    for (let attempt = 0; ; attempt++) {
      const prompts = [...(reprompt ? this.sources(reprompt) : []), ...this.sources(c.prompt)];
      const outcome = yield* this.recognize(
        id,
        (operationContext) => ({
          callConnectionId: this.input.callConnectionId,
          operationContext,
          inputType: 'dtmf',
          targetParticipant: this.input.callerId,
          prompts,
          interruptPrompt: true,
          initialSilenceTimeoutSeconds: silence,
          dtmf: { maxTones: c.maxLength, stopTones, interToneTimeoutSeconds: c.interDigitTimeoutSeconds ?? 5 },
        }),
        silence * 1000 + (c.interDigitTimeoutSeconds ?? 5) * 1000 * c.maxLength + PROMPT_ALLOWANCE_MS,
      );
      if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
      if (outcome.kind === 'error') return { error: outcome.error };
      let miss: 'no-input' | 'invalid' = 'no-input';
      const digits = outcome.kind === 'event' ? keysOf(outcome.data.dtmfResult?.tones).replace(/[#*]+$/, '') : '';
      if (outcome.kind === 'event' && outcome.name === CallEvents.recognizeFailed && !digits) {
        const failure = classifyRecognizeFailure(outcome.data);
        if (failure === 'error') return { error: new Error('recognize failed') };
        miss = failure === 'no-input' ? 'no-input' : 'invalid';
      } else if (outcome.kind === 'event' && outcome.name !== CallEvents.recognizeCanceled) {
        const valid =
          digits.length >= (c.minLength ?? 1) &&
          digits.length <= c.maxLength &&
          (c.pattern === undefined || new RegExp(c.pattern).test(digits));
        if (valid) {
          this.variables[c.into] = digits;
          return { next: step.next };
        }
        miss = digits ? 'invalid' : 'no-input';
      }
      if (attempt >= retries) return step.onFail ? { next: step.onFail } : { end: 'completed' };
      reprompt = miss === 'no-input' ? c.noInput : c.invalid;
    }
  }

  /** Caller id for calls out to a PSTN number: the ACS number the call came in on. */
  private sourceCallerId(target: string): string | undefined {
    const dialled = phoneNumberOf(this.input.dialled);
    return E164.test(target) && E164.test(dialled) ? dialled : undefined;
  }

  private *transfer(
    id: string,
    target: string,
    announce: Prompt | undefined,
    timeoutSeconds: number,
    fallback: string | undefined,
  ): Flowing {
    const failed: StepResult = fallback ? { next: fallback } : { next: undefined };
    if (announce) {
      const played = yield* this.play(id, announce);
      if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
    }
    const operationContext = this.operationContext(id);
    const input: TransferInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext,
      target,
      ...(this.sourceCallerId(target) ? { sourceCallerId: this.sourceCallerId(target) } : {}),
    };
    const outcome = yield* this.request(
      ActivityNames.transfer,
      input,
      operationContext,
      [CallEvents.callTransferAccepted, CallEvents.callTransferFailed],
      timeoutSeconds * 1000 + EVENT_GRACE_MS,
    );
    if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (outcome.kind === 'event' && outcome.name === CallEvents.callTransferAccepted) return { end: 'transferred' };
    // A rejected request with no fallback takes the error path; otherwise (failed, rejected, nobody
    // answered) the fallback step, or the end of the call.
    if (outcome.kind === 'error' && !fallback) return { error: outcome.error };
    return failed;
  }

  private *addParticipant(id: string, step: Extract<Step, { addParticipant: unknown }>): Flowing {
    const a = step.addParticipant;
    if (a.announce) {
      const played = yield* this.play(id, a.announce);
      if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
    }
    const operationContext = this.operationContext(id);
    const timeoutSeconds = a.timeoutSeconds ?? 60;
    const input: AddParticipantInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext,
      target: a.target,
      invitationTimeoutSeconds: timeoutSeconds,
      ...(this.sourceCallerId(a.target) ? { sourceCallerId: this.sourceCallerId(a.target) } : {}),
    };
    const outcome = yield* this.request(
      ActivityNames.addParticipant,
      input,
      operationContext,
      [CallEvents.addParticipantSucceeded, CallEvents.addParticipantFailed],
      timeoutSeconds * 1000 + EVENT_GRACE_MS,
    );
    if (outcome.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (outcome.kind === 'event' && outcome.name === CallEvents.addParticipantSucceeded) return { next: step.next };
    return { next: step.fallback ?? step.next };
  }

  private *record(id: string, consent: Prompt | undefined, maxSeconds: number, next: string | undefined): Flowing {
    if (consent) {
      const played = yield* this.play(id, consent);
      if (played.kind === 'disconnected') return { end: 'caller-hung-up' };
      if (played.kind === 'error') return { error: played.error };
    }
    const start: StartRecordingInput = {
      callConnectionId: this.input.callConnectionId,
      serverCallId: this.input.serverCallId,
      content: 'audio',
      channel: 'mixed',
      format: 'wav',
    };
    const started = yield* this.call(ActivityNames.startRecording, start);
    if (started.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (started.kind !== 'done') return { error: 'error' in started ? started.error : undefined };
    const recordingId = (started.result as StartRecordingOutput | null)?.recordingId;
    if (!recordingId) return { error: new Error('recording did not start') };
    this.variables.recordingId = recordingId;
    // Callers end a voicemail by hanging up (ACS then ends the recording) or run into the limit.
    if ((yield* this.pause(maxSeconds * 1000)) === 'disconnected') return { end: 'caller-hung-up' };
    const stop: StopRecordingInput = { recordingId };
    const stopped = yield* this.call(ActivityNames.stopRecording, stop);
    if (stopped.kind === 'disconnected') return { end: 'caller-hung-up' };
    return { next };
  }

  private *sms(id: string, sms: Extract<Step, { sms: unknown }>['sms'], next: string | undefined): Flowing {
    const to = phoneNumberOf(this.input.callerId);
    const text = typeof sms === 'string' ? sms : sms.text;
    const from =
      (typeof sms === 'string' ? undefined : sms.from) ?? this.flow.sms?.from ?? phoneNumberOf(this.input.dialled);
    // A caller without a phone number (an ACS user, a withheld number) cannot get a text.
    if (!E164.test(to) || !E164.test(from)) return { next };
    const input: SendSmsInput = {
      from,
      to,
      message: interpolate(text, this.variables),
      tag: `${this.input.flowName}/${id}`,
    };
    const sent = yield* this.call(ActivityNames.sendSms, input);
    if (sent.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (sent.kind === 'error') return { error: sent.error };
    return { next };
  }

  private *voiceAgent(id: string, step: Extract<Step, { voiceAgent: unknown }>): Flowing {
    const v = step.voiceAgent;
    const operationContext = this.operationContext(id);
    const input: StartMediaStreamingInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext,
      agent: {
        flowName: this.input.flowName,
        step: id,
        instructions: v.instructions,
        greeting: v.greeting,
        voice: v.voice,
      },
    };
    const failed: StepResult = { next: v.fallback ?? v.handoff ?? step.next };
    const started = yield* this.request(
      ActivityNames.startMediaStreaming,
      input,
      operationContext,
      [CallEvents.mediaStreamingStarted, CallEvents.mediaStreamingFailed],
      MEDIA_START_TIMEOUT_MS,
    );
    if (started.kind === 'disconnected') return { end: 'caller-hung-up' };
    if (started.kind !== 'event' || started.name !== CallEvents.mediaStreamingStarted) return failed;

    // The agent talks with the caller until the bridge reports a handoff or the end, or time runs out.
    const done = yield* this.awaitEvents(
      operationContext,
      [
        CallEvents.voiceAgentHandoff,
        CallEvents.voiceAgentEnded,
        CallEvents.voiceAgentFailed,
        CallEvents.mediaStreamingStopped,
        CallEvents.mediaStreamingFailed,
      ],
      (v.maxMinutes ?? 30) * 60_000,
      // The bridge cannot know the operationContext of the start request: its reports come without one.
      [
        CallEvents.voiceAgentHandoff,
        CallEvents.voiceAgentEnded,
        CallEvents.voiceAgentFailed,
        CallEvents.mediaStreamingStopped,
      ],
    );
    if (done.kind === 'disconnected') return { end: 'caller-hung-up' };
    const stop: StopMediaStreamingInput = {
      callConnectionId: this.input.callConnectionId,
      operationContext: this.operationContext(id),
    };
    if (!(
      done.kind === 'event' &&
      (done.name === CallEvents.mediaStreamingStopped || done.name === CallEvents.mediaStreamingFailed)
    )) {
      const stopped = yield* this.call(ActivityNames.stopMediaStreaming, stop);
      if (stopped.kind === 'disconnected') return { end: 'caller-hung-up' };
    }
    if (done.kind === 'event' && done.name === CallEvents.voiceAgentEnded) return { next: step.next };
    if (done.kind === 'event' && done.name === CallEvents.voiceAgentHandoff) return { next: v.handoff ?? step.next };
    if (done.kind === 'timeout') return { next: v.handoff ?? step.next };
    return failed;
  }

  /** Waits for events of an operation already under way (no activity to schedule). */
  private *awaitEvents(
    operationContext: string,
    expect: readonly string[],
    timeoutMs: number,
    lenient: readonly string[],
  ): Generator<Task, Outcome, unknown> {
    const df = this.context.df;
    const deadline = new Date(df.currentUtcDateTime.getTime() + timeoutMs);
    for (;;) {
      const waits = expect.map((name) => ({ name, task: df.waitForExternalEvent(name) }));
      const hangup = df.waitForExternalEvent(CallEvents.callDisconnected);
      const timer = df.createTimer(deadline);
      const winner = (yield df.Task.any([...waits.map((w) => w.task), hangup, timer])) as Task;
      if (winner === timer) return { kind: 'timeout' };
      timer.cancel();
      if (winner === hangup) return { kind: 'disconnected' };
      const hit = waits.find((w) => w.task === winner);
      const data = (winner.result ?? {}) as CallEventData;
      if (
        hit &&
        (data.operationContext === operationContext || (lenient.includes(hit.name) && !data.operationContext))
      ) {
        return { kind: 'event', name: hit.name, data };
      }
    }
  }
}

function isRetryable(error: unknown): boolean {
  return error instanceof Error && error.message.includes(RETRYABLE_MARKER);
}

/** The orchestrator function: register it with df.app.orchestration('callFlow', callFlowOrchestrator). */
export function* callFlowOrchestrator(context: OrchestrationContext): Generator<Task, CallFlowOutput, unknown> {
  return yield* runCallFlow(context, context.df.getInput<CallFlowInput>());
}

/** Runs a flow with an input the caller assembled (e.g. once CallConnected has named the connection). */
export function* runCallFlow(
  context: OrchestrationContext,
  input: CallFlowInput,
): Generator<Task, CallFlowOutput, unknown> {
  return yield* new CallFlowRun(context, input).run();
}
