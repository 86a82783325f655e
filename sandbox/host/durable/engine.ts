import { randomUUID } from 'node:crypto';
import { noPriority, type WorkPriority } from '../foregroundFirst';
import type { Invoker } from '../invoker';
import { systemClock, type DurableClock } from './clock';
import { EpisodeRunner } from './episodes';
import { EventType, historyEvent, type HistoryEvent } from './historyEvent';
import { InFlight } from './inFlight';
import { emptyHost, isTerminal, nextSeq, parseJson, type Instance } from './instance';
import { Mailbox } from './mailbox';
import { startMessage } from './planning';
import { InstanceExistsError, type DurableStore, type InstanceRecord, type RuntimeStatus } from './store';
import { Workers } from './workers';

// Runs Durable Functions orchestrations for the local host, and is their client (start, raise, terminate,
// query, purge). The parts, by job: mailbox.ts (instances and their waiting messages), episodes.ts (one
// replay + commit), planning.ts (the pure step from an orchestrator's actions to the next state),
// workers.ts (activities, timers, sub-orchestrations), store.ts (Table storage or memory).

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
  /** The system clock unless a test brings a virtual one. */
  clock?: DurableClock;
  /** What background work (episodes for delivered messages, activities) yields to; nothing by default. */
  priority?: WorkPriority;
}

export class DurableEngine {
  private readonly store: DurableStore;
  private readonly invoker: Invoker;
  private readonly clock: DurableClock;
  private readonly inFlight = new InFlight();
  private readonly episodes: EpisodeRunner;
  private readonly mailbox: Mailbox;
  private readonly workers: Workers;
  /** Called after every committed episode; tests and benchmarks observe progress through it. */
  onEpisode?: (instanceId: string, status: RuntimeStatus) => void;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.invoker = options.invoker;
    this.clock = options.clock ?? systemClock;
    const episodes = (this.episodes = new EpisodeRunner(this.store, this.invoker, this.clock, {
      start: (instance, effects) => this.workers.start(instance, effects),
      finished: (record) => this.finished(record),
      committed: (instanceId, status) => this.onEpisode?.(instanceId, status),
      log: options.log,
    }));
    const priority = options.priority ?? noPriority;
    this.mailbox = new Mailbox(this.store, episodes, this.inFlight, options.log, priority);
    this.workers = new Workers({
      store: this.store,
      invoker: this.invoker,
      clock: this.clock,
      mailbox: this.mailbox,
      inFlight: this.inFlight,
      log: options.log,
      maxConcurrentActivities: options.maxConcurrentActivities ?? 50,
      priority,
      startChild: (name, instanceId, inputJson, parent) => this.startNew(name, instanceId, inputJson, parent),
    });
  }

  /** Resumes every unfinished instance: waiting messages, activities and timers in flight. */
  async start(): Promise<number> {
    await this.store.init();
    let resumed = 0;
    for await (const record of this.store.listInstances()) {
      if (isTerminal(record.status)) continue;
      const instance = await this.mailbox.load(record.instanceId);
      if (!instance) continue;
      this.workers.resume(instance);
      resumed++;
    }
    return resumed;
  }

  stop(): void {
    this.mailbox.stopping = true;
    for (const instance of this.mailbox.instances.values())
      for (const timer of instance.timers.values()) this.clock.cancel(timer);
  }

  /** Resolves when no episode, activity or delivery is in flight (only timers and outside events remain). */
  idle(): Promise<void> {
    return this.inFlight.idle();
  }

  /** Starts an orchestration; 'exists' if an instance with that id is pending or running. */
  async startNew(
    name: string,
    instanceId: string,
    inputJson: string | undefined,
    parent?: { instanceId: string; taskId: number; generation: number },
  ): Promise<'created' | 'exists'> {
    const fn = this.invoker.function(name);
    if (!fn || fn.trigger.type !== 'orchestrationTrigger') throw new Error(`No orchestrator function named "${name}".`);
    const cached = this.mailbox.instances.get(instanceId)?.record;
    if (cached) {
      if (!isTerminal(cached.status)) return 'exists';
      await this.purge(instanceId);
    }
    const now = this.clock.now().toISOString();
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
    const start = startMessage(record, inputJson, `0${nextSeq(this.clock.now())}`);
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
    this.mailbox.instances.set(instanceId, instance);
    try {
      await this.inFlight.track(this.episodes.run(instance, start, false));
    } catch (error) {
      if (this.mailbox.instances.get(instanceId) === instance) this.mailbox.instances.delete(instanceId);
      if (!(error instanceof InstanceExistsError)) throw error;
      const existing = await this.store.getInstance(instanceId);
      if (existing && !isTerminal(existing.status)) return 'exists';
      await this.purge(instanceId);
      return this.startNew(name, instanceId, inputJson, parent);
    } finally {
      instance.busy = false;
      instance.creating = false;
    }
    if (instance.queue.length > 0) this.mailbox.drain(instance);
    return 'created';
  }

  async raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): Promise<'accepted' | 'not-found' | 'gone'> {
    const instance = await this.mailbox.load(instanceId);
    if (!instance) return 'not-found';
    if (isTerminal(instance.record.status)) return 'gone';
    await this.mailbox.deliver(instanceId, {
      id: `event-${randomUUID()}`,
      seq: nextSeq(this.clock.now()),
      gen: -1,
      event: historyEvent(EventType.EventRaised, { Name: eventName, Input: dataJson ?? null }, -1, this.clock.now()),
    });
    return 'accepted';
  }

  async terminate(instanceId: string, reason: string): Promise<'accepted' | 'not-found' | 'gone'> {
    const instance = await this.mailbox.load(instanceId);
    if (!instance) return 'not-found';
    if (isTerminal(instance.record.status)) return 'gone';
    await this.mailbox.deliver(instanceId, {
      id: 'terminate',
      seq: `0${nextSeq(this.clock.now())}`,
      gen: -1,
      event: historyEvent(EventType.ExecutionTerminated, { Input: JSON.stringify(reason) }, -1, this.clock.now()),
    });
    return 'accepted';
  }

  async status(
    instanceId: string,
    options: { showHistory?: boolean; showInput?: boolean } = {},
  ): Promise<OrchestrationStatus | undefined> {
    const cached = this.mailbox.instances.get(instanceId);
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
      const record = this.mailbox.instances.get(stored.instanceId)?.record ?? stored;
      if (filter.runtimeStatus?.length && !filter.runtimeStatus.includes(record.status)) continue;
      if (filter.createdFrom && new Date(record.createdTime) < filter.createdFrom) continue;
      if (filter.createdTo && new Date(record.createdTime) > filter.createdTo) continue;
      result.push(toStatus(record, true));
    }
    return result;
  }

  async purge(instanceId: string): Promise<number> {
    const instance = this.mailbox.instances.get(instanceId);
    if (instance) for (const timer of instance.timers.values()) this.clock.cancel(timer);
    this.mailbox.instances.delete(instanceId);
    return this.store.purge(instanceId);
  }

  private async finished(record: InstanceRecord): Promise<void> {
    // Finished instances live in storage only; memory stays bounded however many calls a day brings.
    const instance = this.mailbox.instances.get(record.instanceId);
    if (instance && instance.queue.length === 0) this.mailbox.instances.delete(record.instanceId);
    await this.workers.notifyParent(record);
  }
}

function toStatus(record: InstanceRecord, showInput: boolean, history?: HistoryEvent[]): OrchestrationStatus {
  return {
    name: record.name,
    instanceId: record.instanceId,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    input: showInput ? (parseJson(record.inputJson) ?? null) : null,
    output: parseJson(record.outputJson) ?? null,
    runtimeStatus: record.status,
    customStatus: parseJson(record.customStatusJson) ?? null,
    ...(history ? { history } : {}),
  };
}
