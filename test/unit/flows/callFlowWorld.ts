import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { flattenActions, ActionType, type Action } from '@switchboard/functions-host/durable/actions';
import { VirtualClock } from '@switchboard/functions-host/durable/clock';
import { DurableEngine } from '@switchboard/functions-host/durable/engine';
import { EventType, type HistoryEvent } from '@switchboard/functions-host/durable/historyEvent';
import { MemoryDurableStore } from '@switchboard/functions-host/durable/memoryStore';
import { replayOrchestrator } from '@switchboard/functions-host/durable/replay';
import { inProcessApp } from '@switchboard/functions-host/inProcessApp';
import type {
  AddParticipantInput,
  CreateCallInput,
  GetCallConnectionInput,
  HangUpInput,
  PlayInput,
  RecognizeInput,
  SendSmsInput,
  StartMediaStreamingInput,
  StartRecordingInput,
  StopRecordingInput,
  TransferInput,
} from '@switchboard/app/call/activityTypes';
import {
  campaignContactOrchestration,
  reminderCampaignOrchestration,
} from '@switchboard/app/call/campaign/reminderCampaign';
import { callFlowOrchestration } from '@switchboard/app/call/callFlowOrchestration';
import type { CallSession } from '@switchboard/app/call/callSession';
import { CALL_ENDED_ACTIVITY, type CallEndInput } from '@switchboard/app/analytics/callAnnotation';
import { ActivityNames, CampaignActivityNames, OrchestrationNames } from '@switchboard/app/call/names';

// The call workflow's orchestrations (a call's, and a reminder campaign's with its contacts' calls) run by the
// local host's own Durable engine (the one `npm start` runs) over an in-memory store on a virtual clock. The
// orchestrators and their activities are registered through the real durable-functions library, and the
// engine replays each orchestrator's history every episode, as the Durable extension does. The activities are
// plain functions: a scripted "world" stands in for ACS, answering each request and raising the callbacks ACS
// would send. Durable timers fire only when nothing else can happen, at their due time on the virtual clock,
// so a five-minute timeout costs no wall-clock time.

export type { HistoryEvent };

const CALL_FLOW = OrchestrationNames.callFlow;
const INSTANCE_ID = 'call-1';

/** What the orchestrator returned for one replay (the library's OrchestratorState, as JSON). */
export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

/** Any call-flow activity's input as the tests read it: every activity's fields, each optional. */
export type AnyActivityInput = Partial<CreateCallInput> &
  Partial<PlayInput> &
  Partial<RecognizeInput> &
  Partial<TransferInput> &
  Partial<AddParticipantInput> &
  Partial<StartRecordingInput> &
  Partial<StopRecordingInput> &
  Partial<StartMediaStreamingInput> &
  Partial<HangUpInput> &
  Partial<SendSmsInput> &
  Partial<GetCallConnectionInput>;

export interface ActivityCall {
  name: string;
  input: AnyActivityInput;
}

export interface RaisedEvent {
  name: string;
  data?: unknown;
  /** The instance it is raised to; by default the one the run started. */
  instanceId?: string;
}

export interface WorldTools {
  /** Raise an event after the activity's result is recorded (the usual order). */
  raise: (name: string, data?: unknown) => void;
  /** Raise an event BEFORE the activity's result is recorded (a callback that beats the 202). */
  raiseFirst: (name: string, data?: unknown) => void;
  /** The orchestration time now (the virtual clock). */
  now: () => Date;
}

/** Answers one activity call: return its result, or throw to fail it. */
export type World = (call: ActivityCall, tools: WorldTools) => unknown;

export interface FinishedRun {
  output: unknown;
  /** Every activity the orchestration scheduled, in order. */
  calls: ActivityCall[];
  /** The last generation's history as the engine stored it. */
  history: HistoryEvent[];
  /** The custom status after every replay. */
  customStatuses: unknown[];
  /** The orchestrator's last state (its actions on the final replay). */
  state: OrchestratorState;
  /** Durable timers neither fired nor cancelled when a generation of the orchestration ended. */
  openTimers: number;
  /** What the call's end reported to analytics (the insights.callEnded activity; not among `calls`). */
  callEnds: CallEndInput[];
}

type RaisedTo = RaisedEvent & { instanceId: string };

interface Run {
  /** The started orchestrator's name. */
  name: string;
  engine: DurableEngine;
  clock: VirtualClock;
  world: World;
  /** Which instance an activity's callbacks go to. */
  route: (call: ActivityCall) => string;
  calls: ActivityCall[];
  /** Raised by the world, waiting for the engine to go idle. */
  raises: RaisedTo[];
  /** What the started orchestrator returned on each replay. */
  states: OrchestratorState[];
  openTimers: number;
  callEnds: CallEndInput[];
}

let current: Run | undefined;

const invoker = inProcessApp(() => {
  df.app.orchestration(CALL_FLOW, callFlowOrchestration);
  df.app.orchestration(OrchestrationNames.reminderCampaign, reminderCampaignOrchestration);
  df.app.orchestration(OrchestrationNames.campaignContact, campaignContactOrchestration);
  for (const name of [...Object.values(ActivityNames), ...Object.values(CampaignActivityNames)])
    df.app.activity(name, { handler: (input: unknown) => answer(name, input as AnyActivityInput) });
  df.app.activity(CALL_ENDED_ACTIVITY, {
    handler: (input: unknown) => {
      current?.callEnds.push(input as CallEndInput);
      return null;
    },
  });
  // What the orchestrators returned on each replay, as the host received it, with the history it replayed.
  app.hook.postInvocation((context) => {
    const run = current;
    if (!run || !context.result || typeof context.result !== 'object' || !('isDone' in context.result)) return;
    const state = JSON.parse(JSON.stringify(context.result)) as OrchestratorState;
    if (context.invocationContext.functionName === run.name) run.states.push(state);
    const trigger = context.inputs[0] as { history?: HistoryEvent[] } | undefined;
    if (state.isDone) run.openTimers += openTimers(trigger?.history ?? [], state);
  });
});

async function answer(name: string, input: AnyActivityInput): Promise<unknown> {
  const run = current;
  if (!run) throw new Error('No orchestration is running.');
  const call: ActivityCall = { name, input };
  run.calls.push(call);
  const instanceId = run.route(call);
  const first: RaisedEvent[] = [];
  let result: unknown;
  let failure: Error | undefined;
  try {
    result = run.world(call, {
      raise: (event, data) => run.raises.push({ name: event, data, instanceId }),
      raiseFirst: (event, data) => first.push({ name: event, data }),
      now: () => run.clock.now(),
    });
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  // The activity is still running, so these land in history before its result does.
  for (const event of first)
    await run.engine.client.raiseEvent(instanceId, event.name, JSON.stringify(event.data ?? null));
  if (failure !== undefined) throw failure;
  return result ?? null;
}

export interface RunOptions {
  /** Orchestration time at the start (the virtual clock's). */
  start?: Date;
  /** Raised first, before the world answers anything (e.g. CallConnected). */
  events?: RaisedEvent[];
  /** Which instance an activity's callbacks go to; by default the one started. */
  route?: (call: ActivityCall) => string;
}

/**
 * Runs an orchestration to its end through the host's engine. The `events` are raised first, then the world
 * answers activities. When nothing is in flight the next event the world raised goes in, and when there is
 * none the virtual clock jumps to the next durable timer.
 */
export async function runOrchestration(
  name: string,
  instanceId: string,
  input: unknown,
  world: World,
  options: RunOptions = {},
): Promise<FinishedRun> {
  if (current) throw new Error('One orchestration at a time: the activities answer for the running one.');
  const clock = new VirtualClock(options.start ?? new Date('2026-11-18T15:00:00Z'));
  const engine = new DurableEngine({
    store: new MemoryDurableStore(),
    invoker,
    clock,
    log: (level, message) => {
      if (level === 'error') console.error(message);
    },
  });
  await engine.start();
  const raises = (options.events ?? []).map((e) => ({ ...e, instanceId: e.instanceId ?? instanceId }));
  const route = options.route ?? (() => instanceId);
  const run: Run = { name, engine, clock, world, route, calls: [], raises, states: [], openTimers: 0, callEnds: [] };
  current = run;
  try {
    await engine.client.startNew(name, instanceId, JSON.stringify(input));
    for (let step = 0; step < 2_000; step++) {
      await engine.idle();
      const status = await engine.client.status(instanceId, { showHistory: true });
      if (status && status.runtimeStatus !== 'Running' && status.runtimeStatus !== 'Pending') {
        if (status.runtimeStatus !== 'Completed')
          throw new Error(`The orchestration ${status.runtimeStatus}: ${JSON.stringify(status.output)}`);
        const state = run.states.at(-1);
        if (!state) throw new Error('The orchestrator never returned a state.');
        return {
          output: status.output,
          calls: run.calls,
          history: status.history ?? [],
          customStatuses: run.states.map((s) => s.customStatus),
          state,
          openTimers: run.openTimers,
          callEnds: run.callEnds,
        };
      }
      const next = run.raises.shift();
      if (next) await engine.client.raiseEvent(next.instanceId, next.name, JSON.stringify(next.data ?? null));
      else if (!clock.advance())
        throw new Error(
          `The orchestration waits for something that will never happen; last actions: ${JSON.stringify(run.states.at(-1)?.actions)}`,
        );
    }
    throw new Error('The orchestration did not finish.');
  } finally {
    engine.stop();
    current = undefined;
  }
}

/** Runs one call's orchestration (connect phase, flow, release) to its end; see runOrchestration. */
export function runCallFlow(session: CallSession, world: World, options: RunOptions = {}): Promise<FinishedRun> {
  return runOrchestration(CALL_FLOW, INSTANCE_ID, session, world, options);
}

/** Replays a prepared history once through the host's replay and returns the orchestrator's state. */
export async function replayCallFlow(history: HistoryEvent[], session: CallSession): Promise<OrchestratorState> {
  const fn = invoker.function(CALL_FLOW);
  if (!fn) throw new Error(`No orchestrator named ${CALL_FLOW}.`);
  const outcome = await replayOrchestrator(invoker, fn, {
    history,
    inputJson: JSON.stringify(session),
    instanceId: INSTANCE_ID,
  });
  if (!outcome.state || outcome.failure) throw new Error(outcome.failure ?? 'The orchestrator returned no state.');
  return JSON.parse(JSON.stringify(outcome.state)) as OrchestratorState;
}

/**
 * Timers the orchestrator created (CreateTimer actions, numbered in history in the same order) that neither
 * fired nor were cancelled by the end of a generation, counting those its last episode created.
 */
function openTimers(history: HistoryEvent[], state: OrchestratorState): number {
  const created = history.filter((e) => e.EventType === EventType.TimerCreated).map((e) => e.EventId);
  const fired = new Set(history.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId as number));
  const timers = flattenActions(state.actions).filter((a) => a.actionType === ActionType.CreateTimer);
  return timers.filter((timer, index) => !timer.isCanceled && !fired.has(created[index] ?? -1)).length;
}
