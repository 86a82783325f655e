import * as df from 'durable-functions';
import type {
  AddParticipantInput,
  HangUpInput,
  PlayInput,
  RecognizeInput,
  SendSmsInput,
  StartMediaStreamingInput,
  StartRecordingInput,
  StopRecordingInput,
  TransferInput,
} from '../../../shared/callflow/activityTypes';

// Drives an orchestrator the way the Durable extension does, without a host: each episode replays the
// whole history through the library's own Orchestrator, reads the actions it returns, records them as
// TaskScheduled / TimerCreated events and appends ONE new happening (an activity result, a raised
// event, or the earliest timer firing). The "world" answers activities and decides what ACS raises.
// History shapes and type numbers: durable-functions' lib/src/history/HistoryEventType.js (see docs/local-host.md).

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Orchestrator } = require('durable-functions/lib/src/orchestrations/Orchestrator') as {
  Orchestrator: new (fn: unknown) => { listen(): (trigger: unknown, context: unknown) => Promise<OrchestratorState> };
};

const EventType = {
  ExecutionStarted: 0,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
} as const;
const ActionType = { CallActivity: 0, CreateTimer: 5, WaitForExternalEvent: 6, WhenAny: 11, WhenAll: 12 } as const;

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  fireAt?: Date | string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
}

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

export type HistoryEvent = Record<string, unknown> & {
  EventType: number;
  EventId: number;
  Timestamp: string;
  IsPlayed: boolean;
};

/** Any call-flow activity's input as the tests read it: every activity's fields, each optional. */
export type AnyActivityInput = Partial<PlayInput> &
  Partial<RecognizeInput> &
  Partial<TransferInput> &
  Partial<AddParticipantInput> &
  Partial<StartRecordingInput> &
  Partial<StopRecordingInput> &
  Partial<StartMediaStreamingInput> &
  Partial<HangUpInput> &
  Partial<SendSmsInput>;

export interface ActivityCall {
  name: string;
  input: AnyActivityInput;
}

export interface WorldTools {
  /** Raise an event after the activity's result is recorded (the usual order). */
  raise: (name: string, data?: unknown) => void;
  /** Raise an event BEFORE the activity's result is recorded (a callback that beats the 202). */
  raiseFirst: (name: string, data?: unknown) => void;
}

/** Answers one activity call: return its result, or throw to fail it. */
export type World = (call: ActivityCall, tools: WorldTools) => unknown;

const flatten = (actions: Action[]): Action[] =>
  actions.flatMap((a) =>
    a.actionType === ActionType.WhenAny || a.actionType === ActionType.WhenAll ? flatten(a.compoundActions ?? []) : [a],
  );

/** Replays a history once and returns the orchestrator's state (what a host would receive). */
export async function replay(
  fn: unknown,
  history: readonly HistoryEvent[],
  input: unknown,
  instanceId = 'call-1',
): Promise<OrchestratorState> {
  const handler = new Orchestrator(fn).listen();
  const trigger = JSON.parse(
    JSON.stringify({
      history,
      input,
      instanceId,
      isReplaying: false,
      parentInstanceId: '',
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    }),
  ) as Parameters<typeof handler>[0];
  const context = new df.DummyOrchestrationContext('callFlow', instanceId, () => undefined);
  return handler(trigger, context);
}

export class ReplayDriver {
  readonly history: HistoryEvent[] = [];
  /** Every activity the orchestration scheduled, in order. */
  readonly calls: ActivityCall[] = [];
  /** Every action of the last episode, flattened. */
  actions: Action[] = [];
  state: OrchestratorState | undefined;
  readonly customStatuses: unknown[] = [];
  private clock: number;
  private nextId = 0;
  private readonly ids: (number | undefined)[] = [];
  private readonly pending: { id: number; call: ActivityCall; outcome?: HistoryEvent }[] = [];
  private readonly timers = new Map<number, { fireAt: number; canceled: boolean; fired: boolean }>();
  private readonly queue: { name: string; data: unknown }[] = [];

  constructor(
    private readonly fn: unknown,
    private readonly input: unknown,
    private readonly world: World,
    start = new Date('2026-11-18T15:00:00Z'),
  ) {
    this.clock = start.getTime();
  }

  private event(type: number, fields: Record<string, unknown> = {}, eventId = -1): HistoryEvent {
    return {
      EventType: type,
      EventId: eventId,
      IsPlayed: false,
      Timestamp: new Date(this.clock).toISOString(),
      ...fields,
    };
  }

  /** Timers neither fired nor cancelled (a finished orchestration must leave none). */
  openTimers(): number {
    return [...this.timers.values()].filter((t) => !t.canceled && !t.fired).length;
  }

  /** Queue an event to raise as if ACS (or the app) sent it now. */
  raise(name: string, data?: unknown): void {
    this.queue.push({ name, data });
  }

  /** Runs episodes until the orchestration completes; returns its output. */
  async run(maxEpisodes = 300): Promise<unknown> {
    if (this.history.length === 0) {
      this.history.push(this.event(EventType.OrchestratorStarted));
      this.history.push(
        this.event(EventType.ExecutionStarted, { Name: 'callFlow', Input: JSON.stringify(this.input), Version: '' }),
      );
    }
    for (let episode = 0; episode < maxEpisodes; episode++) {
      const state = await replay(this.fn, this.history, this.input);
      this.state = state;
      this.customStatuses.push(state.customStatus);
      this.record(flatten(state.actions[0] ?? []));
      this.history.push(this.event(EventType.OrchestratorCompleted));
      if (state.isDone) return state.output;
      this.clock += 1000;
      this.history.push(this.event(EventType.OrchestratorStarted));
      this.history.push(this.nextHappening());
    }
    throw new Error('orchestration did not finish');
  }

  private record(actions: Action[]): void {
    this.actions = actions;
    actions.forEach((action, index) => {
      if (index < this.ids.length) {
        const id = this.ids[index];
        if (id !== undefined && action.isCanceled) this.timers.get(id)!.canceled = true;
        return;
      }
      if (action.actionType === ActionType.CallActivity) {
        const id = this.nextId++;
        this.ids.push(id);
        const call = { name: action.functionName as string, input: action.input as AnyActivityInput };
        this.calls.push(call);
        this.pending.push({ id, call });
        this.history.push(this.event(EventType.TaskScheduled, { Name: call.name }, id));
      } else if (action.actionType === ActionType.CreateTimer) {
        const id = this.nextId++;
        this.ids.push(id);
        const fireAt = new Date(action.fireAt as string).getTime();
        this.timers.set(id, { fireAt, canceled: !!action.isCanceled, fired: false });
        this.history.push(this.event(EventType.TimerCreated, { FireAt: new Date(fireAt).toISOString() }, id));
      } else {
        this.ids.push(undefined); // WaitForExternalEvent takes no id
      }
    });
  }

  private nextHappening(): HistoryEvent {
    const first = this.pending.shift();
    if (first?.outcome) return { ...first.outcome, Timestamp: new Date(this.clock).toISOString() };
    if (first) {
      const after: { name: string; data: unknown }[] = [];
      const before: { name: string; data: unknown }[] = [];
      let outcome: HistoryEvent;
      try {
        const result = this.world(first.call, {
          raise: (name, data) => after.push({ name, data }),
          raiseFirst: (name, data) => before.push({ name, data }),
        });
        outcome = this.event(EventType.TaskCompleted, {
          TaskScheduledId: first.id,
          Result: JSON.stringify(result ?? null),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcome = this.event(EventType.TaskFailed, { TaskScheduledId: first.id, Reason: message, Details: '' });
      }
      this.queue.push(...after);
      if (before.length === 0) return outcome;
      // The callbacks arrive first; the activity's result is recorded after them.
      this.pending.unshift({ ...first, outcome });
      const [e, ...rest] = before;
      this.queue.unshift(...rest);
      return this.event(EventType.EventRaised, { Name: e.name, Input: JSON.stringify(e.data ?? null) });
    }
    const raised = this.queue.shift();
    if (raised)
      return this.event(EventType.EventRaised, { Name: raised.name, Input: JSON.stringify(raised.data ?? null) });
    const due = [...this.timers.entries()]
      .filter(([, t]) => !t.canceled && !t.fired)
      .sort((a, b) => a[1].fireAt - b[1].fireAt)[0];
    if (due) {
      const [id, timer] = due;
      timer.fired = true;
      this.clock = Math.max(this.clock, timer.fireAt);
      return this.event(EventType.TimerFired, { TimerId: id, FireAt: new Date(timer.fireAt).toISOString() });
    }
    throw new Error(
      `orchestration is waiting for something that will never happen; last actions: ${JSON.stringify(this.actions)}`,
    );
  }
}
