import { randomUUID } from 'node:crypto';
import type { AppFunction } from '../appLoader';
import type { Invoker } from '../invoker';
import {
  ActionType,
  describe,
  flattenActions,
  retryDelayMs,
  signatureOf,
  type Action,
  type RetryOptions,
  type Signature,
} from './actions';
import { EventType, failureFields, historyEvent, type HistoryEvent } from './historyEvent';
import {
  DurableStore,
  InstanceExistsError,
  type InstanceRecord,
  type RuntimeStatus,
  type StoredMessage,
} from './store';

// Runs Durable Functions orchestrations for the local host. The durable-functions library's own
// orchestrator code does the replay; this engine feeds it the history it persists in Table storage,
// turns the actions it returns into history, activities, timers and sub-orchestrations, and delivers
// their outcomes back as messages, one message per episode (that keeps task numbering unambiguous).

interface RetryState {
  kind: 'activity' | 'orchestration';
  name: string;
  inputJson?: string;
  options: RetryOptions;
  failures: number;
  attemptId: number;
  instanceId?: string;
}

interface HostState {
  nextId: number;
  sigs: Signature[];
  /** By the task id of the retried action. */
  retries: Record<number, RetryState>;
  /** Attempt task id -> retried action id; retry timer id -> retried action id. */
  attemptOf: Record<number, number>;
  timerOf: Record<number, number>;
  canceled: number[];
}

interface Instance {
  record: InstanceRecord;
  host: HostState;
  history: HistoryEvent[];
  queue: StoredMessage[];
  busy: boolean;
  timers: Map<number, NodeJS.Timeout>;
  /** Task and timer ids whose outcome history already holds: a second outcome is a duplicate. */
  answered: Set<number>;
  /** Its first episode is running and has not committed: the commit creates the instance. */
  creating?: boolean;
}

export interface OrchestrationStatus {
  name: string;
  instanceId: string;
  createdTime: string;
  lastUpdatedTime: string;
  input: unknown;
  output: unknown;
  runtimeStatus: RuntimeStatus;
  customStatus: unknown;
  history?: HistoryEvent[];
}

export interface EngineOptions {
  store: DurableStore;
  invoker: Invoker;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  maxConcurrentActivities?: number;
}

const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
const parse = (json: string | undefined): unknown => (json === undefined || json === '' ? undefined : JSON.parse(json));
/** A failed instance's output for a message: the error text when it is a string, else the JSON itself. */
const outputText = (json: string | undefined): string => {
  const value = parse(json);
  return typeof value === 'string' ? value : (json ?? '');
};
const emptyHost = (): HostState => ({ nextId: 0, sigs: [], retries: {}, attemptOf: {}, timerOf: {}, canceled: [] });

let seqCounter = 0;
/** Message order: time, then arrival within the process. Start messages use "0" so they sort first. */
const nextSeq = () => `1${Date.now().toString().padStart(15, '0')}${(seqCounter++ % 1e6).toString().padStart(6, '0')}`;

export class DurableEngine {
  private readonly store: DurableStore;
  private readonly invoker: Invoker;
  private readonly log: EngineOptions['log'];
  private readonly instances = new Map<string, Instance>();
  private readonly loading = new Map<string, Promise<Instance | undefined>>();
  private readonly activitySlots: number;
  private activitiesRunning = 0;
  private readonly activityQueue: (() => void)[] = [];
  private stopping = false;
  /** Called after every committed episode; tests and benchmarks observe progress through it. */
  onEpisode?: (instanceId: string, status: RuntimeStatus) => void;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.invoker = options.invoker;
    this.log = options.log;
    this.activitySlots = options.maxConcurrentActivities ?? 50;
  }

  /** Resumes every unfinished instance: waiting messages, activities and timers in flight. */
  async start(): Promise<number> {
    await this.store.init();
    let resumed = 0;
    for await (const record of this.store.listInstances()) {
      if (TERMINAL.includes(record.status)) continue;
      const instance = await this.load(record.instanceId);
      if (!instance) continue;
      this.resumePendingWork(instance);
      resumed++;
    }
    return resumed;
  }

  stop(): void {
    this.stopping = true;
    for (const instance of this.instances.values()) for (const timer of instance.timers.values()) clearTimeout(timer);
  }

  // ---- client operations -------------------------------------------------------------------------

  /** Starts an orchestration; 'exists' if an instance with that id is pending or running. */
  async startNew(
    name: string,
    instanceId: string,
    inputJson: string | undefined,
    parent?: { instanceId: string; taskId: number; generation: number },
  ): Promise<'created' | 'exists'> {
    const fn = this.invoker.function(name);
    if (!fn || fn.trigger.type !== 'orchestrationTrigger') throw new Error(`No orchestrator function named "${name}".`);
    const cached = this.instances.get(instanceId)?.record;
    if (cached) {
      if (!TERMINAL.includes(cached.status)) return 'exists';
      await this.purge(instanceId);
    }
    const now = new Date().toISOString();
    const record: InstanceRecord = {
      instanceId,
      name,
      status: 'Pending',
      createdTime: now,
      lastUpdatedTime: now,
      generation: 0,
      episode: 0,
      inputJson,
      hostJson: JSON.stringify(emptyHost()),
      parentInstanceId: parent?.instanceId,
      parentTaskId: parent?.taskId,
      parentGeneration: parent?.generation,
    };
    const start = this.startMessage(record, inputJson);
    // The first episode runs now and its commit creates the instance: one storage transaction, and no
    // read unless the id is taken. Events raised meanwhile queue behind it.
    const instance: Instance = {
      record,
      host: emptyHost(),
      history: [],
      queue: [],
      busy: true,
      timers: new Map(),
      answered: new Set(),
      creating: true,
    };
    this.instances.set(instanceId, instance);
    try {
      await this.runEpisode(instance, start, false);
    } catch (error) {
      if (this.instances.get(instanceId) === instance) this.instances.delete(instanceId);
      if (!(error instanceof InstanceExistsError)) throw error;
      const existing = await this.store.getInstance(instanceId);
      if (existing && !TERMINAL.includes(existing.status)) return 'exists';
      await this.purge(instanceId);
      return this.startNew(name, instanceId, inputJson, parent);
    } finally {
      instance.busy = false;
      instance.creating = false;
    }
    if (instance.queue.length > 0) void this.drain(instance);
    return 'created';
  }

  async raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): Promise<'accepted' | 'not-found' | 'gone'> {
    const instance = await this.load(instanceId);
    if (!instance) return 'not-found';
    if (TERMINAL.includes(instance.record.status)) return 'gone';
    await this.deliver(instanceId, {
      id: `event-${randomUUID()}`,
      seq: nextSeq(),
      gen: -1,
      event: historyEvent(EventType.EventRaised, { Name: eventName, Input: dataJson ?? null }),
    });
    return 'accepted';
  }

  async terminate(instanceId: string, reason: string): Promise<'accepted' | 'not-found' | 'gone'> {
    const instance = await this.load(instanceId);
    if (!instance) return 'not-found';
    if (TERMINAL.includes(instance.record.status)) return 'gone';
    await this.deliver(instanceId, {
      id: 'terminate',
      seq: `0${nextSeq()}`,
      gen: -1,
      event: historyEvent(EventType.ExecutionTerminated, { Input: JSON.stringify(reason) }),
    });
    return 'accepted';
  }

  async status(
    instanceId: string,
    options: { showHistory?: boolean; showInput?: boolean } = {},
  ): Promise<OrchestrationStatus | undefined> {
    const cached = this.instances.get(instanceId);
    const record = cached?.record ?? (await this.store.getInstance(instanceId));
    if (!record) return undefined;
    let history: HistoryEvent[] | undefined;
    if (options.showHistory) history = cached?.history ?? (await this.store.loadPartition(record)).history;
    return toStatus(record, options.showInput !== false, history);
  }

  async list(
    filter: { runtimeStatus?: string[]; createdFrom?: Date; createdTo?: Date } = {},
  ): Promise<OrchestrationStatus[]> {
    const result: OrchestrationStatus[] = [];
    for await (const stored of this.store.listInstances()) {
      const record = this.instances.get(stored.instanceId)?.record ?? stored;
      if (filter.runtimeStatus?.length && !filter.runtimeStatus.includes(record.status)) continue;
      if (filter.createdFrom && new Date(record.createdTime) < filter.createdFrom) continue;
      if (filter.createdTo && new Date(record.createdTime) > filter.createdTo) continue;
      result.push(toStatus(record, true));
    }
    return result;
  }

  async purge(instanceId: string): Promise<number> {
    const instance = this.instances.get(instanceId);
    if (instance) for (const timer of instance.timers.values()) clearTimeout(timer);
    this.instances.delete(instanceId);
    return this.store.purge(instanceId);
  }

  // ---- delivery and episodes ---------------------------------------------------------------------

  private startMessage(record: InstanceRecord, inputJson: string | undefined): StoredMessage {
    return {
      id: `start-${record.generation}`,
      seq: `0${nextSeq()}`,
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

  /**
   * Hands a message to an instance durably. An idle instance processes it at once and commits it as part
   * of the episode (one storage write instead of two); a busy one gets it persisted as a message row first.
   * Either way the caller is answered only once the message is safe in storage.
   */
  private async deliver(instanceId: string, message: StoredMessage): Promise<void> {
    const idle = await this.load(instanceId);
    if (idle && !idle.busy && idle.queue.length === 0 && !this.stopping) {
      idle.busy = true;
      try {
        await this.runEpisode(idle, message, false);
      } finally {
        idle.busy = false;
      }
      if (idle.queue.length > 0) void this.drain(idle);
      return;
    }
    if (!(await this.store.addMessage(instanceId, message))) return;
    const instance = idle ?? (await this.load(instanceId));
    if (!instance) return;
    if (!instance.queue.some((m) => m.id === message.id)) {
      if (message.seq.startsWith('0')) instance.queue.unshift(message);
      else instance.queue.push(message);
    }
    void this.drain(instance);
  }

  private async load(instanceId: string): Promise<Instance | undefined> {
    const cached = this.instances.get(instanceId);
    if (cached) return cached;
    let pending = this.loading.get(instanceId);
    if (!pending) {
      pending = (async () => {
        const record = await this.store.getInstance(instanceId);
        if (!record) return undefined;
        const { history, messages } = await this.store.loadPartition(record);
        const instance: Instance = {
          record,
          host: { ...emptyHost(), ...(JSON.parse(record.hostJson) as Partial<HostState>) },
          history,
          queue: messages,
          busy: false,
          timers: new Map(),
          answered: new Set(history.map(answeredId).filter((id): id is number => id !== undefined)),
        };
        this.instances.set(instanceId, this.instances.get(instanceId) ?? instance);
        return this.instances.get(instanceId);
      })().finally(() => this.loading.delete(instanceId));
      this.loading.set(instanceId, pending);
    }
    return pending;
  }

  private async drain(instance: Instance): Promise<void> {
    if (instance.busy || this.stopping) return;
    instance.busy = true;
    try {
      while (instance.queue.length > 0 && !this.stopping) {
        const message = instance.queue.shift()!;
        try {
          await this.runEpisode(instance, message);
        } catch (error) {
          instance.queue.unshift(message);
          throw error;
        }
      }
    } catch (error) {
      // Storage trouble: keep the message and try again shortly; nothing was committed.
      this.log(
        'error',
        `Orchestration ${instance.record.instanceId}: episode not committed, retrying: ${(error as Error).message}`,
      );
      setTimeout(() => void this.drain(instance), 1_000).unref();
    } finally {
      instance.busy = false;
    }
    if (instance.queue.length > 0 && !this.stopping) void this.drain(instance);
  }

  private async runEpisode(instance: Instance, message: StoredMessage, persisted = true): Promise<void> {
    const record = instance.record;
    const outcomeOf = answeredId(message.event);
    const stale =
      TERMINAL.includes(record.status) ||
      (message.gen >= 0 && message.gen !== record.generation) ||
      (outcomeOf !== undefined && instance.answered.has(outcomeOf));
    if (stale) {
      if (persisted) await this.store.deleteMessage(record.instanceId, message.id);
      return;
    }
    const consumed = persisted ? message.id : undefined;
    const now = new Date();
    const started = historyEvent(EventType.OrchestratorStarted, {}, -1, now);
    const newEvents: HistoryEvent[] = [started, { ...message.event, IsPlayed: false }];

    if (message.event.EventType === EventType.ExecutionTerminated) {
      const reason = message.event.Input as string | undefined;
      await this.finish(instance, consumed, newEvents, 'Terminated', reason, now, undefined);
      return;
    }

    const fn = this.invoker.function(record.name);
    let outcome: { state?: OrchestratorState; failure?: string };
    if (!fn) outcome = { failure: `The orchestrator function "${record.name}" does not exist in this app.` };
    else
      outcome = await this.replay(fn, instance, [
        ...instance.history.map((e) => ({ ...e, IsPlayed: true })),
        ...newEvents,
      ]);

    const scheduled: HistoryEvent[] = [];
    const effects: (() => void)[] = [];
    const host: HostState = structuredClone(instance.host);
    let failure = outcome.failure;
    const state = outcome.state;

    if (state && !failure) {
      failure = this.schedule(instance, host, message, flattenActions(state.actions), scheduled, effects, now);
    }
    const customStatusJson =
      state?.customStatus === undefined ? record.customStatusJson : JSON.stringify(state.customStatus);

    if (failure) {
      await this.finish(
        instance,
        consumed,
        [...newEvents, ...scheduled],
        'Failed',
        JSON.stringify(failure),
        now,
        customStatusJson,
      );
      return;
    }
    if (state!.isDone) {
      const continueAsNew = flattenActions(state!.actions).find((a) => a.actionType === ActionType.ContinueAsNew);
      if (continueAsNew) {
        await this.continueAsNew(instance, message, consumed, continueAsNew, now, customStatusJson);
        return;
      }
      const outputJson = state!.output === undefined ? undefined : JSON.stringify(state!.output);
      await this.finish(
        instance,
        consumed,
        [...newEvents, ...scheduled],
        'Completed',
        outputJson,
        now,
        customStatusJson,
      );
      return;
    }

    const next: InstanceRecord = {
      ...record,
      status: 'Running',
      lastUpdatedTime: now.toISOString(),
      episode: record.episode + 1,
      customStatusJson,
      hostJson: JSON.stringify(host),
    };
    const events = [...newEvents, ...scheduled, historyEvent(EventType.OrchestratorCompleted, {}, -1, now)];
    await this.store.commitEpisode({ ...next, episode: record.episode }, events, consumed, [], instance.creating);
    instance.record = next;
    instance.host = host;
    instance.history.push(...events);
    if (outcomeOf !== undefined) instance.answered.add(outcomeOf);
    for (const effect of effects) effect();
    this.onEpisode?.(record.instanceId, next.status);
  }

  private async replay(
    fn: AppFunction,
    instance: Instance,
    history: HistoryEvent[],
  ): Promise<{ state?: OrchestratorState; failure?: string }> {
    const record = instance.record;
    const bindingInfo = {
      history,
      input: parse(record.inputJson),
      instanceId: record.instanceId,
      isReplaying: instance.history.length > 0,
      parentInstanceId: record.parentInstanceId,
      // Schema V2: timers stay single actions (V3 splits long timers into sub-timers the host would track).
      upperSchemaVersion: 1,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    try {
      const { result } = await this.invoker.invoke(fn, { trigger: { json: JSON.stringify(bindingInfo) } });
      return { state: result as OrchestratorState };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const marker = message.indexOf('$OutOfProcData$:');
      if (marker >= 0) {
        let state: OrchestratorState | undefined;
        try {
          state = JSON.parse(message.slice(marker + '$OutOfProcData$:'.length)) as OrchestratorState;
        } catch {
          state = undefined;
        }
        return { state, failure: (state?.error ?? message.slice(0, marker)).trim() };
      }
      return { failure: `Orchestrator function "${record.name}" failed: ${message}` };
    }
  }

  /**
   * Checks the replayed actions against what history already holds, then numbers and schedules the new
   * ones in the library's order. Returns a failure message for nondeterminism or unsupported actions.
   */
  private schedule(
    instance: Instance,
    host: HostState,
    message: StoredMessage,
    leaves: Action[],
    scheduled: HistoryEvent[],
    effects: (() => void)[],
    now: Date,
  ): string | undefined {
    const { instanceId, generation } = instance.record;
    for (let i = 0; i < Math.min(host.sigs.length, leaves.length); i++) {
      const expected = host.sigs[i];
      const actual = signatureOf(leaves[i]);
      if (expected.t !== actual.t || expected.n !== actual.n) {
        return `Non-deterministic orchestrator "${instance.record.name}": on replay, action #${i + 1} is ${describe(actual)} but history has ${describe(expected)}. Orchestrator code must make the same calls in the same order on every replay.`;
      }
    }
    if (leaves.length < host.sigs.length) {
      // Replay runs the code from the start, so everything it scheduled before must come again.
      const missing = host.sigs[leaves.length];
      return `Non-deterministic orchestrator "${instance.record.name}": on replay it no longer schedules ${describe(missing)} (action #${leaves.length + 1}).`;
    }

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
        effects.push(() => this.armTimer(instance, generation, timerId, fireAt));
      }
    } else if (event.EventType === EventType.TimerFired) {
      const retryId = host.timerOf[event.TimerId as number];
      const retry = retryId === undefined ? undefined : host.retries[retryId];
      if (retry && retry.failures < retry.options.maxNumberOfAttempts) {
        const attemptId = host.nextId++;
        retry.attemptId = attemptId;
        host.attemptOf[attemptId] = retryId;
        this.scheduleTask(
          instance,
          retry.kind,
          retry.name,
          retry.inputJson,
          attemptId,
          retry.instanceId,
          scheduled,
          effects,
          now,
        );
      }
    }

    for (let i = host.sigs.length; i < leaves.length; i++) {
      const action = leaves[i];
      const sig = signatureOf(action);
      switch (action.actionType) {
        case ActionType.CallActivity:
        case ActionType.CallActivityWithRetry: {
          sig.id = host.nextId++;
          const inputJson = serializeInput(action.input);
          if (action.actionType === ActionType.CallActivityWithRetry) {
            host.retries[sig.id] = {
              kind: 'activity',
              name: action.functionName!,
              inputJson,
              options: action.retryOptions!,
              failures: 0,
              attemptId: sig.id,
            };
            host.attemptOf[sig.id] = sig.id;
          }
          this.scheduleTask(
            instance,
            'activity',
            action.functionName!,
            inputJson,
            sig.id,
            undefined,
            scheduled,
            effects,
            now,
          );
          break;
        }
        case ActionType.CallSubOrchestrator:
        case ActionType.CallSubOrchestratorWithRetry: {
          sig.id = host.nextId++;
          const inputJson = action.input === undefined ? undefined : JSON.stringify(action.input);
          const childId = action.instanceId || `${instanceId}:${sig.id}`;
          if (action.actionType === ActionType.CallSubOrchestratorWithRetry) {
            host.retries[sig.id] = {
              kind: 'orchestration',
              name: action.functionName!,
              inputJson,
              options: action.retryOptions!,
              failures: 0,
              attemptId: sig.id,
              instanceId: childId,
            };
            host.attemptOf[sig.id] = sig.id;
          }
          this.scheduleTask(
            instance,
            'orchestration',
            action.functionName!,
            inputJson,
            sig.id,
            childId,
            scheduled,
            effects,
            now,
          );
          break;
        }
        case ActionType.CreateTimer: {
          sig.id = host.nextId++;
          const fireAt = new Date(action.fireAt as Date);
          scheduled.push(historyEvent(EventType.TimerCreated, { FireAt: fireAt.toISOString() }, sig.id, now));
          if (!action.isCanceled) {
            const id = sig.id;
            effects.push(() => this.armTimer(instance, generation, id, fireAt));
          }
          break;
        }
        case ActionType.WaitForExternalEvent:
        case ActionType.ContinueAsNew:
          break;
        default:
          return `Orchestrator "${instance.record.name}" used ${describe(sig)}, which the local host does not support (entities and durable HTTP calls are not emulated).`;
      }
      host.sigs.push(sig);
    }

    // Timers the orchestrator cancelled since (e.g. the losing side of a Task.any race) never fire.
    leaves.forEach((action, index) => {
      const id = host.sigs[index]?.id;
      if (
        action.actionType === ActionType.CreateTimer &&
        action.isCanceled &&
        id !== undefined &&
        !host.canceled.includes(id)
      ) {
        host.canceled.push(id);
        effects.push(() => {
          clearTimeout(instance.timers.get(id));
          instance.timers.delete(id);
        });
      }
    });
    return undefined;
  }

  private scheduleTask(
    instance: Instance,
    kind: 'activity' | 'orchestration',
    name: string,
    inputJson: string | undefined,
    taskId: number,
    childId: string | undefined,
    scheduled: HistoryEvent[],
    effects: (() => void)[],
    now: Date,
  ): void {
    const { instanceId, generation } = instance.record;
    if (kind === 'activity') {
      scheduled.push(historyEvent(EventType.TaskScheduled, { Name: name, Input: inputJson ?? null }, taskId, now));
      effects.push(() => this.runActivity(instanceId, generation, taskId, name, inputJson));
    } else {
      const child = childId!;
      scheduled.push(
        historyEvent(
          EventType.SubOrchestrationInstanceCreated,
          { Name: name, InstanceId: child, Input: inputJson ?? null },
          taskId,
          now,
        ),
      );
      effects.push(() => void this.startChild(instanceId, generation, taskId, name, child, inputJson));
    }
  }

  private async startChild(
    parentId: string,
    generation: number,
    taskId: number,
    name: string,
    childId: string,
    inputJson: string | undefined,
  ): Promise<void> {
    try {
      const result = await this.startNew(name, childId, inputJson, { instanceId: parentId, taskId, generation });
      if (result === 'exists') await this.notifyParentIfDone(childId);
    } catch (error) {
      await this.deliver(parentId, {
        id: `sub-${generation}-${taskId}`,
        seq: nextSeq(),
        gen: generation,
        event: historyEvent(EventType.SubOrchestrationInstanceFailed, {
          TaskScheduledId: taskId,
          ...failureFields(error),
        }),
      });
    }
  }

  private async notifyParentIfDone(childId: string): Promise<void> {
    const child = await this.store.getInstance(childId);
    if (!child || !TERMINAL.includes(child.status) || child.parentInstanceId === undefined) return;
    await this.notifyParent(child);
  }

  private async notifyParent(child: InstanceRecord): Promise<void> {
    if (child.parentInstanceId === undefined || child.parentTaskId === undefined) return;
    const taskId = child.parentTaskId;
    const event =
      child.status === 'Completed'
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, {
            TaskScheduledId: taskId,
            Result: child.outputJson ?? 'null',
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, {
            TaskScheduledId: taskId,
            ...failureFields(
              new Error(
                `Sub-orchestration "${child.name}" (${child.instanceId}) ${child.status.toLowerCase()}: ${outputText(child.outputJson)}`,
              ),
            ),
          });
    await this.deliver(child.parentInstanceId, {
      id: `sub-${child.parentGeneration ?? 0}-${taskId}`,
      seq: nextSeq(),
      gen: child.parentGeneration ?? 0,
      event,
    });
  }

  private armTimer(instance: Instance, generation: number, timerId: number, fireAt: Date): void {
    if (this.stopping) return;
    const delay = Math.max(0, fireAt.getTime() - Date.now());
    // setTimeout holds at most ~24.8 days; longer timers re-arm.
    const handle = setTimeout(
      () => {
        instance.timers.delete(timerId);
        if (fireAt.getTime() > Date.now()) return this.armTimer(instance, generation, timerId, fireAt);
        void this.deliver(instance.record.instanceId, {
          id: `timer-${generation}-${timerId}`,
          seq: nextSeq(),
          gen: generation,
          event: historyEvent(EventType.TimerFired, { TimerId: timerId, FireAt: fireAt.toISOString() }),
        }).catch((error) => this.log('error', `Timer delivery failed: ${(error as Error).message}`));
      },
      Math.min(delay, 2 ** 31 - 1),
    );
    handle.unref?.();
    instance.timers.set(timerId, handle);
  }

  private runActivity(
    instanceId: string,
    generation: number,
    taskId: number,
    name: string,
    inputJson: string | undefined,
  ): void {
    const run = async () => {
      let event: HistoryEvent;
      try {
        const fn = this.invoker.function(name);
        if (!fn || fn.trigger.type !== 'activityTrigger')
          throw new Error(`Activity function "${name}" does not exist in this app.`);
        const { result } = await this.invoker.invoke(fn, {
          trigger: inputJson === undefined ? undefined : { json: inputJson },
        });
        event = historyEvent(EventType.TaskCompleted, {
          TaskScheduledId: taskId,
          Result: result === undefined ? 'null' : JSON.stringify(result),
        });
      } catch (error) {
        event = historyEvent(EventType.TaskFailed, { TaskScheduledId: taskId, ...failureFields(error) });
      }
      await this.deliverWithRetry(instanceId, {
        id: `task-${generation}-${taskId}`,
        seq: nextSeq(),
        gen: generation,
        event,
      });
    };
    const startOne = () => {
      this.activitiesRunning++;
      void run().finally(() => {
        this.activitiesRunning--;
        this.activityQueue.shift()?.();
      });
    };
    if (this.activitiesRunning < this.activitySlots) startOne();
    else this.activityQueue.push(startOne);
  }

  private async deliverWithRetry(instanceId: string, message: StoredMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deliver(instanceId, message);
      } catch (error) {
        if (attempt >= 5 || this.stopping) {
          this.log(
            'error',
            `Could not record the outcome of task ${message.id} for ${instanceId}: ${(error as Error).message}`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private async finish(
    instance: Instance,
    consumed: string | undefined,
    events: HistoryEvent[],
    status: RuntimeStatus,
    outputJson: string | undefined,
    now: Date,
    customStatusJson: string | undefined,
  ): Promise<void> {
    const record = instance.record;
    const done: InstanceRecord = {
      ...record,
      status,
      outputJson,
      customStatusJson,
      lastUpdatedTime: now.toISOString(),
      episode: record.episode + 1,
    };
    const closing = historyEvent(
      EventType.ExecutionCompleted,
      { OrchestrationStatus: status, Result: outputJson ?? null },
      -1,
      now,
    );
    const all = [...events, closing];
    await this.store.commitEpisode({ ...done, episode: record.episode }, all, consumed, [], instance.creating);
    instance.record = done;
    instance.history.push(...all);
    for (const timer of instance.timers.values()) clearTimeout(timer);
    instance.timers.clear();
    if (status === 'Failed')
      this.log('warn', `Orchestration ${record.name} (${record.instanceId}) failed: ${outputText(outputJson)}`);
    this.onEpisode?.(record.instanceId, status);
    // Finished instances live in storage only; memory stays bounded however many calls a day brings.
    if (instance.queue.length === 0) this.instances.delete(record.instanceId);
    await this.notifyParent(done);
  }

  private async continueAsNew(
    instance: Instance,
    message: StoredMessage,
    consumed: string | undefined,
    action: Action,
    now: Date,
    customStatusJson: string | undefined,
  ): Promise<void> {
    const record = instance.record;
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
    const start = this.startMessage(next, inputJson);
    const closing = [
      historyEvent(EventType.OrchestratorStarted, {}, -1, now),
      { ...message.event, IsPlayed: false },
      historyEvent(EventType.ContinueAsNew, { Result: inputJson ?? null }, -1, now),
    ];
    // The old generation's last episode and the new generation's start commit together.
    await this.store.commitEpisode(
      { ...next, generation: record.generation, episode: record.episode },
      closing,
      consumed,
      [start],
      instance.creating,
    );
    for (const timer of instance.timers.values()) clearTimeout(timer);
    instance.timers.clear();
    instance.record = next;
    instance.host = emptyHost();
    instance.history = [];
    instance.answered = new Set();
    // Drop what belonged to the old generation; external events carry over.
    instance.queue = [start, ...instance.queue.filter((m) => m.gen < 0)];
    this.onEpisode?.(record.instanceId, 'Running');
  }

  /** After a restart: re-dispatch what history scheduled but no message has answered yet. */
  private resumePendingWork(instance: Instance): void {
    const answered = new Set<number>();
    const events = [...instance.history, ...instance.queue.map((m) => m.event)];
    for (const e of events) {
      if (e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed)
        answered.add(e.TaskScheduledId as number);
      if (
        e.EventType === EventType.SubOrchestrationInstanceCompleted ||
        e.EventType === EventType.SubOrchestrationInstanceFailed
      )
        answered.add(e.TaskScheduledId as number);
      if (e.EventType === EventType.TimerFired) answered.add(e.TimerId as number);
    }
    const { instanceId, generation } = instance.record;
    for (const e of instance.history) {
      if (answered.has(e.EventId)) continue;
      if (e.EventType === EventType.TaskScheduled)
        this.runActivity(instanceId, generation, e.EventId, String(e.Name), (e.Input as string | null) ?? undefined);
      if (e.EventType === EventType.TimerCreated && !instance.host.canceled.includes(e.EventId))
        this.armTimer(instance, generation, e.EventId, new Date(String(e.FireAt)));
      if (e.EventType === EventType.SubOrchestrationInstanceCreated)
        void this.startChild(
          instanceId,
          generation,
          e.EventId,
          String(e.Name),
          String(e.InstanceId),
          (e.Input as string | null) ?? undefined,
        );
    }
    void this.drain(instance);
  }
}

/** The task or timer id an outcome event answers, if it is one. */
function answeredId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId as number;
    case EventType.TimerFired:
      return event.TimerId as number;
    default:
      return undefined;
  }
}

interface OrchestratorState {
  isDone: boolean;
  actions: unknown;
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

/** Activity inputs: the library pre-serialises strings (processInput) and leaves other values as they are. */
function serializeInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

function toStatus(record: InstanceRecord, showInput: boolean, history?: HistoryEvent[]): OrchestrationStatus {
  return {
    name: record.name,
    instanceId: record.instanceId,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    input: showInput ? (parse(record.inputJson) ?? null) : null,
    output: parse(record.outputJson) ?? null,
    runtimeStatus: record.status,
    customStatus: parse(record.customStatusJson) ?? null,
    ...(history ? { history } : {}),
  };
}
