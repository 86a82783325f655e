import type { WorkPriority } from '../foregroundFirst';
import type { EpisodeRunner } from './episodes';
import type { InFlight } from './inFlight';
import { answeredId, emptyHost, type HostState, type Instance } from './instance';
import type { DurableStore, StoredMessage } from './store';

// Each instance's mailbox: the instances in memory (loaded from the store on first use), the messages
// waiting for them, and the loop that feeds those messages to episodes one at a time.

export class Mailbox {
  readonly instances = new Map<string, Instance>();
  private readonly loading = new Map<string, Promise<Instance | undefined>>();
  stopping = false;

  constructor(
    private readonly store: DurableStore,
    private readonly episodes: EpisodeRunner,
    private readonly inFlight: InFlight,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
    private readonly priority: WorkPriority,
  ) {}

  /** The instance, from memory or the store; undefined if it does not exist. */
  async load(instanceId: string): Promise<Instance | undefined> {
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

  /**
   * Hands a message to an instance durably. An idle instance processes it at once and commits it as part
   * of the episode (one storage write instead of two); a busy one gets it persisted as a message row first.
   * Either way the caller is answered only once the message is safe in storage.
   */
  deliver(instanceId: string, message: StoredMessage): Promise<void> {
    return this.inFlight.track(this.deliverNow(instanceId, message));
  }

  private async deliverNow(instanceId: string, message: StoredMessage): Promise<void> {
    const idle = await this.load(instanceId);
    // Inline only when the episode can start now: a delivery waiting for background work to be let through
    // would keep its sender (a callback from ACS, a raised event) waiting too; stored, it is answered at once.
    if (idle && !idle.busy && idle.queue.length === 0 && !this.stopping && this.priority.backgroundFree()) {
      idle.busy = true;
      try {
        await this.priority.runBackground(() => this.episodes.run(idle, message, false));
      } finally {
        idle.busy = false;
      }
      if (idle.queue.length > 0) this.drain(idle);
      return;
    }
    if (!(await this.store.addMessage(instanceId, message))) return;
    const instance = idle ?? (await this.load(instanceId));
    if (!instance) return;
    if (!instance.queue.some((m) => m.id === message.id)) {
      if (message.seq.startsWith('0')) instance.queue.unshift(message);
      else instance.queue.push(message);
    }
    this.drain(instance);
  }

  /** Works through an instance's waiting messages, one episode each, unless it is busy already. */
  drain(instance: Instance): void {
    void this.inFlight.track(this.drainNow(instance));
  }

  private async drainNow(instance: Instance): Promise<void> {
    if (instance.busy || this.stopping) return;
    instance.busy = true;
    try {
      while (instance.queue.length > 0 && !this.stopping) {
        const message = instance.queue.shift()!;
        try {
          await this.priority.runBackground(() => this.episodes.run(instance, message));
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
      setTimeout(() => this.drain(instance), 1_000).unref();
    } finally {
      instance.busy = false;
    }
    if (instance.queue.length > 0 && !this.stopping) this.drain(instance);
  }
}
