import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { flattenActions, ActionType, type Action } from '../../../sandbox/host/durable/actions';
import { VirtualClock } from '../../../sandbox/host/durable/clock';
import { DurableEngine } from '../../../sandbox/host/durable/engine';
import { EventType, type HistoryEvent } from '../../../sandbox/host/durable/historyEvent';
import { MemoryDurableStore } from '../../../sandbox/host/durable/memoryStore';
import { replayOrchestrator } from '../../../sandbox/host/durable/replay';
import { inProcessApp } from '../../../sandbox/host/inProcessApp';
import type {
  AddParticipantInput,
  GetCallConnectionInput,
  HangUpInput,
  PlayInput,
  RecognizeInput,
  SendSmsInput,
  StartMediaStreamingInput,
  StartRecordingInput,
  StopRecordingInput,
  TransferInput,
} from '../../../shared/callflow/activityTypes';
import { callFlowOrchestration } from '../../../shared/callflow/callFlowOrchestration';
import type { CallSession } from '../../../shared/callflow/callSession';
import { ActivityNames, OrchestrationNames } from '../../../shared/callflow/names';

// The call's orchestration run by the local host's own Durable engine (the one `npm start` runs) over an
// in-memory store on a virtual clock. The orchestrator and its activities are registered through the real
// durable-functions library, and the engine replays the orchestrator's history every episode, as the Durable
// extension does. The activities are plain functions: a scripted "world" stands in for ACS, answering each
// request and raising the callbacks ACS would send. Durable timers fire only when nothing else can happen,
// at their due time on the virtual clock, so a five-minute timeout costs no wall-clock time.

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
export type AnyActivityInput = Partial<PlayInput> &
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
}

export interface WorldTools {
  /** Raise an event after the activity's result is recorded (the usual order). */
  raise: (name: string, data?: unknown) => void;
  /** Raise an event BEFORE the activity's result is recorded (a callback that beats the 202). */
  raiseFirst: (name: string, data?: unknown) => void;
}

/** Answers one activity call: return its result, or throw to fail it. */
export type World = (call: ActivityCall, tools: WorldTools) => unknown;

export interface FinishedCall {
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
}

interface Run {
  engine: DurableEngine;
  world: World;
  calls: ActivityCall[];
  /** Raised by the world, waiting for the engine to go idle. */
  raises: RaisedEvent[];
  states: OrchestratorState[];
  openTimers: number;
}

let current: Run | undefined;

const invoker = inProcessApp(() => {
  df.app.orchestration(CALL_FLOW, callFlowOrchestration);
  for (const name of Object.values(ActivityNames))
    df.app.activity(name, { handler: (input: unknown) => answer(name, input as AnyActivityInput) });
  // What the orchestrator returned on each replay, as the host received it, with the history it replayed.
  app.hook.postInvocation((context) => {
    if (!current || context.invocationContext.functionName !== CALL_FLOW || !context.result) return;
    const state = JSON.parse(JSON.stringify(context.result)) as OrchestratorState;
    current.states.push(state);
    const trigger = context.inputs[0] as { history?: HistoryEvent[] } | undefined;
    if (state.isDone) current.openTimers += openTimers(trigger?.history ?? [], state);
  });
});

async function answer(name: string, input: AnyActivityInput): Promise<unknown> {
  const run = current;
  if (!run) throw new Error('No call is running.');
  const call: ActivityCall = { name, input };
  run.calls.push(call);
  const first: RaisedEvent[] = [];
  let result: unknown;
  let failure: Error | undefined;
  try {
    result = run.world(call, {
      raise: (event, data) => run.raises.push({ name: event, data }),
      raiseFirst: (event, data) => first.push({ name: event, data }),
    });
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  // The activity is still running, so these land in history before its result does.
  for (const event of first)
    await run.engine.client.raiseEvent(INSTANCE_ID, event.name, JSON.stringify(event.data ?? null));
  if (failure !== undefined) throw failure;
  return result ?? null;
}

/**
 * Runs a call's orchestration to its end through the host's engine: it starts with `session`, the `events` are
 * raised first (e.g. CallConnected), then the world answers activities. When nothing is in flight the next
 * event the world raised goes in, and when there is none the virtual clock jumps to the next durable timer.
 */
export async function runCallFlow(
  session: CallSession,
  world: World,
  options: { start?: Date; events?: RaisedEvent[] } = {},
): Promise<FinishedCall> {
  if (current) throw new Error('One call at a time: the activities answer for the running call.');
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
  const run: Run = { engine, world, calls: [], raises: [...(options.events ?? [])], states: [], openTimers: 0 };
  current = run;
  try {
    await engine.client.startNew(CALL_FLOW, INSTANCE_ID, JSON.stringify(session));
    for (let step = 0; step < 1_000; step++) {
      await engine.idle();
      const status = await engine.client.status(INSTANCE_ID, { showHistory: true });
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
        };
      }
      const next = run.raises.shift();
      if (next) await engine.client.raiseEvent(INSTANCE_ID, next.name, JSON.stringify(next.data ?? null));
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
