import type { HistoryEvent } from './historyEvent';
import {
  bySeq,
  historyKey,
  InstanceExistsError,
  type DeadLetter,
  type DurableStore,
  type InstanceRecord,
  type StoredMessage,
} from './store';

// The Durable store in memory, for tests that drive orchestrators through the engine without Azurite.
// Everything is kept as JSON text, as Table storage keeps it, so what comes back is a copy that went
// through the same serialisation (dates become strings, undefined fields vanish).

interface Partition {
  state?: string;
  /** History rows by historyKey. */
  history: Map<string, string>;
  messages: Map<string, string>;
}

export class MemoryDurableStore implements DurableStore {
  private readonly partitions = new Map<string, Partition>();
  readonly deadLetters: DeadLetter[] = [];

  init(): Promise<void> {
    return Promise.resolve();
  }

  private partition(instanceId: string): Partition {
    let partition = this.partitions.get(instanceId);
    if (!partition) {
      partition = { history: new Map(), messages: new Map() };
      this.partitions.set(instanceId, partition);
    }
    return partition;
  }

  getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    const state = this.partitions.get(instanceId)?.state;
    return Promise.resolve(state === undefined ? undefined : (JSON.parse(state) as InstanceRecord));
  }

  async *listInstances(): AsyncGenerator<InstanceRecord> {
    for (const instanceId of [...this.partitions.keys()].sort()) {
      const record = await this.getInstance(instanceId);
      if (record) yield record;
    }
  }

  loadPartition(instance: InstanceRecord): Promise<{ history: HistoryEvent[]; messages: StoredMessage[] }> {
    const partition = this.partitions.get(instance.instanceId);
    if (!partition) return Promise.resolve({ history: [], messages: [] });
    const prefix = `${String(instance.generation).padStart(6, '0')}-`;
    const history = [...partition.history.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([, events]) => JSON.parse(events) as HistoryEvent[]);
    const messages = [...partition.messages.values()].map((m) => JSON.parse(m) as StoredMessage).sort(bySeq);
    return Promise.resolve({ history, messages });
  }

  addMessage(instanceId: string, message: StoredMessage): Promise<boolean> {
    const messages = this.partition(instanceId).messages;
    if (messages.has(message.id)) return Promise.resolve(false);
    messages.set(message.id, JSON.stringify(message));
    return Promise.resolve(true);
  }

  deleteMessage(instanceId: string, messageId: string): Promise<void> {
    this.partitions.get(instanceId)?.messages.delete(messageId);
    return Promise.resolve();
  }

  commitEpisode(
    record: InstanceRecord,
    events: HistoryEvent[],
    consumedMessageId: string | undefined,
    added: StoredMessage[] = [],
    createState = false,
  ): Promise<void> {
    const partition = this.partition(record.instanceId);
    if (createState && partition.state !== undefined) return Promise.reject(new InstanceExistsError(record.instanceId));
    // Nothing below can fail, so the episode lands whole, as the Table transaction does.
    partition.history.set(historyKey(record.generation, record.episode), JSON.stringify(events));
    if (consumedMessageId !== undefined) partition.messages.delete(consumedMessageId);
    for (const message of added) partition.messages.set(message.id, JSON.stringify(message));
    partition.state = JSON.stringify(record);
    return Promise.resolve();
  }

  addDeadLetter(letter: DeadLetter): Promise<void> {
    this.deadLetters.push(letter);
    return Promise.resolve();
  }

  purge(instanceId: string): Promise<number> {
    const existed = this.partitions.get(instanceId)?.state !== undefined;
    this.partitions.delete(instanceId);
    return Promise.resolve(existed ? 1 : 0);
  }
}
