import { randomUUID } from 'node:crypto';
import type { WorkPriority } from '../foregroundFirst';
import type { Invoker } from '../invoker';
import type { DurableClock } from './clock';
import type { EpisodeRunner } from './episodes';
import { EventType, historyEvent, type HistoryEvent } from './historyEvent';
import type { InFlight } from './inFlight';
import { emptyHost, isTerminal, nextSeq, parseJson, type Instance } from './instance';
import type { Mailbox } from './mailbox';
import { startMessage } from './planning';
import { checkPayloadSize } from './tooLarge';
import {
  InstanceExistsError,
  type DurableStore,
  type InstanceRecord,
  type RuntimeStatus,
  type StoredMessage,
} from './store';

// The client side of the engine: what the Durable HTTP API (httpApi.ts) and sub-orchestrations ask of it.
// Starting, raising and terminating become messages in an instance's mailbox; queries read the instance in
// memory when it is there (newer than storage while an episode commits), else storage.

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

/** Who started a sub-orchestration, so that its end reaches the parent's mailbox. */
export interface ParentTask {
  instanceId: string;
  taskId: number;
  generation: number;
}

export interface ClientParts {
  store: DurableStore;
  invoker: Invoker;
  clock: DurableClock;
  mailbox: Mailbox;
  episodes: EpisodeRunner;
  inFlight: InFlight;
  priority: WorkPriority;
}

export class DurableClient {
  constructor(private readonly parts: ClientParts) {}

  /** Starts an orchestration; 'exists' if an instance with that id is pending or running. */
  async startNew(
    name: string,
    instanceId: string,
    inputJson: string | undefined,
    parent?: ParentTask,
  ): Promise<'created' | 'exists'> {
    const { invoker, mailbox, clock, store, episodes, inFlight } = this.parts;
    const fn = invoker.function(name);
    if (!fn || fn.trigger.type !== 'orchestrationTrigger') throw new Error(`No orchestrator function named "${name}".`);
    checkPayloadSize(inputJson, 'The orchestration input');
    const cached = mailbox.instances.get(instanceId)?.record;
    if (cached) {
      if (!isTerminal(cached.status)) return 'exists';
      await this.purge(instanceId);
    }
    const now = clock.now().toISOString();
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
    const start = startMessage(record, inputJson, `0${nextSeq(clock.now())}`);
    // Inline, the first episode runs now and its commit creates the instance: one storage transaction, and no
    // read unless the id is taken. While background work waits for the foreground (a call ringing), the
    // instance is created with its start message waiting, as Azure's startNew does, and the first episode is
    // left to background work: its starter (the IncomingCall delivery, which answers the call next) would
    // otherwise wait on the orchestrator. Either way events raised meanwhile queue behind the start.
    const inline = this.parts.priority.backgroundFree();
    const instance: Instance = {
      record,
      host: emptyHost(),
      history: [],
      queue: [],
      busy: true,
      timers: new Map(),
      answered: new Set(),
      creating: inline,
    };
    mailbox.instances.set(instanceId, instance);
    try {
      if (inline) await inFlight.track(episodes.run(instance, start, false));
      else await store.commitEpisode(record, [], undefined, [start], true);
    } catch (error) {
      if (mailbox.instances.get(instanceId) === instance) mailbox.instances.delete(instanceId);
      if (!(error instanceof InstanceExistsError)) throw error;
      const existing = await store.getInstance(instanceId);
      if (existing && !isTerminal(existing.status)) return 'exists';
      await this.purge(instanceId);
      return this.startNew(name, instanceId, inputJson, parent);
    } finally {
      instance.busy = false;
      instance.creating = false;
    }
    if (!inline) instance.queue.unshift(start);
    if (instance.queue.length > 0) mailbox.drain(instance);
    return 'created';
  }

  async raiseEvent(
    instanceId: string,
    eventName: string,
    dataJson: string | undefined,
  ): Promise<'accepted' | 'not-found' | 'gone'> {
    checkPayloadSize(dataJson, 'The event');
    return this.send(instanceId, (now) => ({
      id: `event-${randomUUID()}`,
      seq: nextSeq(now),
      event: historyEvent(EventType.EventRaised, { Name: eventName, Input: dataJson ?? null }, -1, now),
    }));
  }

  async terminate(instanceId: string, reason: string): Promise<'accepted' | 'not-found' | 'gone'> {
    return this.send(instanceId, (now) => ({
      id: 'terminate',
      seq: `0${nextSeq(now)}`,
      event: historyEvent(EventType.ExecutionTerminated, { Input: JSON.stringify(reason) }, -1, now),
    }));
  }

  async status(
    instanceId: string,
    options: { showHistory?: boolean; showInput?: boolean } = {},
  ): Promise<OrchestrationStatus | undefined> {
    const cached = this.parts.mailbox.instances.get(instanceId);
    const record = cached?.record ?? (await this.parts.store.getInstance(instanceId));
    if (!record) return undefined;
    let history: HistoryEvent[] | undefined;
    if (options.showHistory) history = cached?.history ?? (await this.parts.store.loadPartition(record)).history;
    return toStatus(record, options.showInput !== false, history);
  }

  async list(
    filter: { runtimeStatus?: string[]; createdFrom?: Date; createdTo?: Date } = {},
  ): Promise<OrchestrationStatus[]> {
    const result: OrchestrationStatus[] = [];
    for await (const stored of this.parts.store.listInstances()) {
      const record = this.parts.mailbox.instances.get(stored.instanceId)?.record ?? stored;
      if (filter.runtimeStatus?.length && !filter.runtimeStatus.includes(record.status)) continue;
      if (filter.createdFrom && new Date(record.createdTime) < filter.createdFrom) continue;
      if (filter.createdTo && new Date(record.createdTime) > filter.createdTo) continue;
      result.push(toStatus(record, true));
    }
    return result;
  }

  async purge(instanceId: string): Promise<number> {
    const { mailbox, clock, store } = this.parts;
    const instance = mailbox.instances.get(instanceId);
    if (instance) for (const timer of instance.timers.values()) clock.cancel(timer);
    mailbox.instances.delete(instanceId);
    return store.purge(instanceId);
  }

  /** Delivers an outside message (a raised event, a termination) to a live instance; it outlives continueAsNew. */
  private async send(
    instanceId: string,
    message: (now: Date) => Omit<StoredMessage, 'gen'>,
  ): Promise<'accepted' | 'not-found' | 'gone'> {
    const instance = await this.parts.mailbox.load(instanceId);
    if (!instance) return 'not-found';
    if (isTerminal(instance.record.status)) return 'gone';
    await this.parts.mailbox.deliver(instanceId, { ...message(this.parts.clock.now()), gen: -1 });
    return 'accepted';
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
