import { noPriority, type WorkPriority } from '../foregroundFirst';
import type { Invoker } from '../invoker';
import { DurableClient } from './client';
import { systemClock, type DurableClock } from './clock';
import { EpisodeRunner } from './episodes';
import { InFlight } from './inFlight';
import { isTerminal } from './instance';
import { Mailbox } from './mailbox';
import type { DurableStore, InstanceRecord } from './store';
import { Workers } from './workers';

// Runs Durable Functions orchestrations for the local host. The parts, by job: client.ts (start, raise,
// terminate, query, purge), mailbox.ts (instances and their waiting messages), episodes.ts (one replay +
// commit), planning.ts (the pure step from an orchestrator's actions to the next state), workers.ts
// (activities, timers, sub-orchestrations), store.ts (Table storage or memory). This file wires them and
// starts and stops them.

export type { OrchestrationStatus } from './client';

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
  /** What the Durable HTTP API (and a test driving an orchestration) asks of the engine. */
  readonly client: DurableClient;
  private readonly store: DurableStore;
  private readonly clock: DurableClock;
  private readonly inFlight = new InFlight();
  private readonly mailbox: Mailbox;
  private readonly workers: Workers;

  constructor(options: EngineOptions) {
    const { store, invoker, log } = options;
    this.store = store;
    this.clock = options.clock ?? systemClock;
    const clock = this.clock;
    const inFlight = this.inFlight;
    const episodes = new EpisodeRunner(store, invoker, clock, {
      start: (instance, effects) => this.workers.start(instance, effects),
      finished: (record) => this.finished(record),
      log,
    });
    const priority = options.priority ?? noPriority;
    const mailbox = (this.mailbox = new Mailbox(store, episodes, inFlight, log, priority));
    const client = (this.client = new DurableClient({ store, invoker, clock, mailbox, episodes, inFlight, priority }));
    this.workers = new Workers({
      store,
      invoker,
      clock,
      mailbox,
      inFlight,
      log,
      maxConcurrentActivities: options.maxConcurrentActivities ?? 50,
      priority,
      startChild: (name, instanceId, inputJson, parent) => client.startNew(name, instanceId, inputJson, parent),
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

  private async finished(record: InstanceRecord): Promise<void> {
    // Finished instances live in storage only; memory stays bounded however many calls a day brings.
    const instance = this.mailbox.instances.get(record.instanceId);
    if (instance && instance.queue.length === 0) this.mailbox.instances.delete(record.instanceId);
    await this.workers.notifyParent(record);
  }
}
