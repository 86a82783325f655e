import { ActionType, describe, flattenActions, retryDelayMs, signatureOf, type Action } from './actions';
import { EventType, historyEvent, type HistoryEvent } from './historyEvent';
import { emptyHost, serializeInput, type HostState, type OrchestratorState } from './instance';
import type { InstanceRecord, StoredMessage } from './store';

// The engine's planning, as a pure function: given an instance's state, the message an episode consumed
// and what the orchestrator's replay returned, it says what history the episode appends, the instance's
// next state and the work to start (activities, sub-orchestrations, timers). It reads no clock, storage
// or globals, so it is tested on its own (test/sandbox/host/durablePlanning.test.ts).

/** Work an episode starts once it has committed. */
export type Effect =
  | { kind: 'activity'; taskId: number; name: string; inputJson?: string }
  | { kind: 'orchestration'; taskId: number; name: string; instanceId: string; inputJson?: string }
  | { kind: 'timer'; timerId: number; fireAt: Date }
  | { kind: 'cancelTimer'; timerId: number };

/** What one replay of the orchestrator produced: its state, or why it failed (or both). */
export interface ReplayOutcome {
  state?: OrchestratorState;
  failure?: string;
}

export interface EpisodeInput {
  record: InstanceRecord;
  host: HostState;
  message: StoredMessage;
  /** The replay's outcome; not used for a termination, which does not replay. */
  outcome?: ReplayOutcome;
  now: Date;
  /** The seq a new generation's start message gets if the orchestrator continues as new. */
  startSeq: string;
}

/**
 * The next state. `record` is the instance after the episode; its history events are stored under the
 * generation and episode the instance had BEFORE it (see commitRecord).
 */
export type Transition =
  | { kind: 'running'; record: InstanceRecord; host: HostState; events: HistoryEvent[]; effects: Effect[] }
  | { kind: 'finished'; record: InstanceRecord; events: HistoryEvent[] }
  | { kind: 'continuedAsNew'; record: InstanceRecord; events: HistoryEvent[]; start: StoredMessage };

/** The record an episode commits: the new state, keyed by the generation and episode it ran in. */
export const commitRecord = (before: InstanceRecord, transition: Transition): InstanceRecord => ({
  ...transition.record,
  generation: before.generation,
  episode: before.episode,
});

/** The message that starts a generation of an instance. */
export function startMessage(record: InstanceRecord, inputJson: string | undefined, seq: string): StoredMessage {
  return {
    id: `start-${record.generation}`,
    seq,
    gen: record.generation,
    event: historyEvent(EventType.ExecutionStarted, {
      Name: record.name,
      Input: inputJson ?? null,
      ParentInstance: record.parentInstanceId
        ? { OrchestrationInstance: { InstanceId: record.parentInstanceId }, TaskScheduleId: record.parentTaskId }
        : undefined,
    }),
  };
}

/** How every episode's history begins: the orchestrator starts, and the message it consumes. */
export function openingEvents(message: StoredMessage, now: Date): HistoryEvent[] {
  return [historyEvent(EventType.OrchestratorStarted, {}, -1, now), { ...message.event, IsPlayed: false }];
}

export function nextState(input: EpisodeInput): Transition {
  const { record, message, now } = input;
  const opening = openingEvents(message, now);
  if (message.event.EventType === EventType.ExecutionTerminated) {
    return finished(record, opening, 'Terminated', message.event.Input as string | undefined, now, undefined);
  }

  const outcome = input.outcome ?? { failure: 'The orchestrator did not run.' };
  const state = outcome.state;
  const host = structuredClone(input.host);
  const scheduled: HistoryEvent[] = [];
  const effects: Effect[] = [];
  const leaves = state ? flattenActions(state.actions) : [];
  const failure =
    outcome.failure ?? (state ? schedule(record, host, message, leaves, scheduled, effects, now) : undefined);
  const customStatusJson =
    state?.customStatus === undefined ? record.customStatusJson : JSON.stringify(state.customStatus);

  if (failure || !state) {
    const reason = failure ?? 'The orchestrator returned no state.';
    return finished(record, [...opening, ...scheduled], 'Failed', JSON.stringify(reason), now, customStatusJson);
  }
  if (state.isDone) {
    const continueAsNew = leaves.find((a) => a.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return continuedAsNew(record, opening, continueAsNew, now, customStatusJson, input.startSeq);
    const outputJson = state.output === undefined ? undefined : JSON.stringify(state.output);
    return finished(record, [...opening, ...scheduled], 'Completed', outputJson, now, customStatusJson);
  }
  return {
    kind: 'running',
    record: {
      ...record,
      status: 'Running',
      lastUpdatedTime: now.toISOString(),
      episode: record.episode + 1,
      customStatusJson,
      hostJson: JSON.stringify(host),
    },
    host,
    events: [...opening, ...scheduled, historyEvent(EventType.OrchestratorCompleted, {}, -1, now)],
    effects,
  };
}

function finished(
  record: InstanceRecord,
  events: HistoryEvent[],
  status: 'Completed' | 'Failed' | 'Terminated',
  outputJson: string | undefined,
  now: Date,
  customStatusJson: string | undefined,
): Transition {
  const closing = historyEvent(
    EventType.ExecutionCompleted,
    { OrchestrationStatus: status, Result: outputJson ?? null },
    -1,
    now,
  );
  return {
    kind: 'finished',
    record: {
      ...record,
      status,
      outputJson,
      customStatusJson,
      lastUpdatedTime: now.toISOString(),
      episode: record.episode + 1,
    },
    events: [...events, closing],
  };
}

function continuedAsNew(
  record: InstanceRecord,
  opening: HistoryEvent[],
  action: Action,
  now: Date,
  customStatusJson: string | undefined,
  startSeq: string,
): Transition {
  const inputJson = serializeInput(action.input);
  const next: InstanceRecord = {
    ...record,
    status: 'Running',
    generation: record.generation + 1,
    episode: 0,
    inputJson,
    customStatusJson,
    lastUpdatedTime: now.toISOString(),
    hostJson: JSON.stringify(emptyHost()),
  };
  return {
    kind: 'continuedAsNew',
    record: next,
    // The old generation's last episode; the new generation's start message commits with it.
    events: [...opening, historyEvent(EventType.ContinueAsNew, { Result: inputJson ?? null }, -1, now)],
    start: startMessage(next, inputJson, startSeq),
  };
}

/**
 * Checks the replayed actions against what history already holds, then numbers and schedules the new
 * ones in the library's order (mutating `host`). Returns a failure message for nondeterminism or
 * unsupported actions.
 */
function schedule(
  record: InstanceRecord,
  host: HostState,
  message: StoredMessage,
  leaves: Action[],
  scheduled: HistoryEvent[],
  effects: Effect[],
  now: Date,
): string | undefined {
  for (let i = 0; i < Math.min(host.sigs.length, leaves.length); i++) {
    const expected = host.sigs[i];
    const actual = signatureOf(leaves[i]);
    if (expected.t !== actual.t || expected.n !== actual.n) {
      return `Non-deterministic orchestrator "${record.name}": on replay, action #${i + 1} is ${describe(actual)} but history has ${describe(expected)}. Orchestrator code must make the same calls in the same order on every replay.`;
    }
  }
  if (leaves.length < host.sigs.length) {
    // Replay runs the code from the start, so everything it scheduled before must come again.
    const missing = host.sigs[leaves.length];
    return `Non-deterministic orchestrator "${record.name}": on replay it no longer schedules ${describe(missing)} (action #${leaves.length + 1}).`;
  }

  const task = (
    kind: 'activity' | 'orchestration',
    name: string,
    inputJson: string | undefined,
    taskId: number,
    childId: string | undefined,
  ) => {
    if (kind === 'activity') {
      scheduled.push(historyEvent(EventType.TaskScheduled, { Name: name, Input: inputJson ?? null }, taskId, now));
      effects.push({ kind: 'activity', taskId, name, inputJson });
      return;
    }
    const instanceId = childId ?? `${record.instanceId}:${taskId}`;
    scheduled.push(
      historyEvent(
        EventType.SubOrchestrationInstanceCreated,
        { Name: name, InstanceId: instanceId, Input: inputJson ?? null },
        taskId,
        now,
      ),
    );
    effects.push({ kind: 'orchestration', taskId, name, instanceId, inputJson });
  };

  // The message itself may make the library number a task for a retry (RetryableTask).
  const event = message.event;
  if (event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed) {
    const retryId = host.attemptOf[event.TaskScheduledId as number];
    const retry = retryId === undefined ? undefined : host.retries[retryId];
    if (retry) {
      retry.failures++;
      const timerId = host.nextId++;
      const more = retry.failures < retry.options.maxNumberOfAttempts;
      const fireAt = new Date(now.getTime() + (more ? retryDelayMs(retry.options, retry.failures) : 0));
      host.timerOf[timerId] = retryId;
      scheduled.push(historyEvent(EventType.TimerCreated, { FireAt: fireAt.toISOString() }, timerId, now));
      effects.push({ kind: 'timer', timerId, fireAt });
    }
  } else if (event.EventType === EventType.TimerFired) {
    const retryId = host.timerOf[event.TimerId as number];
    const retry = retryId === undefined ? undefined : host.retries[retryId];
    if (retry && retry.failures < retry.options.maxNumberOfAttempts) {
      const attemptId = host.nextId++;
      retry.attemptId = attemptId;
      host.attemptOf[attemptId] = retryId;
      task(retry.kind, retry.name, retry.inputJson, attemptId, retry.instanceId);
    }
  }

  for (let i = host.sigs.length; i < leaves.length; i++) {
    const action = leaves[i];
    const sig = signatureOf(action);
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        sig.id = host.nextId++;
        const activity =
          action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry;
        const kind = activity ? 'activity' : 'orchestration';
        // Activity inputs come pre-serialised for strings; sub-orchestration inputs are always JSON.
        const inputJson = activity
          ? serializeInput(action.input)
          : action.input === undefined
            ? undefined
            : JSON.stringify(action.input);
        const childId = activity ? undefined : action.instanceId || `${record.instanceId}:${sig.id}`;
        if (
          action.actionType === ActionType.CallActivityWithRetry ||
          action.actionType === ActionType.CallSubOrchestratorWithRetry
        ) {
          host.retries[sig.id] = {
            kind,
            name: action.functionName!,
            inputJson,
            options: action.retryOptions!,
            failures: 0,
            attemptId: sig.id,
            ...(childId === undefined ? {} : { instanceId: childId }),
          };
          host.attemptOf[sig.id] = sig.id;
        }
        task(kind, action.functionName!, inputJson, sig.id, childId);
        break;
      }
      case ActionType.CreateTimer: {
        sig.id = host.nextId++;
        const fireAt = new Date(action.fireAt as Date);
        scheduled.push(historyEvent(EventType.TimerCreated, { FireAt: fireAt.toISOString() }, sig.id, now));
        if (!action.isCanceled) effects.push({ kind: 'timer', timerId: sig.id, fireAt });
        break;
      }
      case ActionType.WaitForExternalEvent:
      case ActionType.ContinueAsNew:
        break;
      default:
        return `Orchestrator "${record.name}" used ${describe(sig)}, which the local host does not support (entities and durable HTTP calls are not emulated).`;
    }
    host.sigs.push(sig);
  }

  // Timers the orchestrator cancelled since (e.g. the losing side of a Task.any race) never fire.
  leaves.forEach((action, index) => {
    const id = host.sigs[index]?.id;
    if (action.actionType === ActionType.CreateTimer && action.isCanceled && id !== undefined) {
      if (host.canceled.includes(id)) return;
      host.canceled.push(id);
      effects.push({ kind: 'cancelTimer', timerId: id });
    }
  });
  return undefined;
}
