import type { HistoryEvent } from './historyEvent';

// Where the engine keeps instances, their history and waiting messages. Two implementations: Table
// storage (tableStore.ts, the host's own, survives kill -9) and memory (memoryStore.ts, for tests that
// drive an orchestrator through the engine without Azurite). Both commit an episode atomically.

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';

export interface InstanceRecord {
  instanceId: string;
  name: string;
  status: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  generation: number;
  episode: number;
  inputJson?: string;
  outputJson?: string;
  customStatusJson?: string;
  parentInstanceId?: string;
  parentTaskId?: number;
  parentGeneration?: number;
  /** The host's own bookkeeping (JSON): ids, action signatures, retries. */
  hostJson: string;
}

export interface StoredMessage {
  id: string;
  /** Orders messages; start messages sort first. */
  seq: string;
  /** The execution generation the message belongs to; -1 for external events (they survive continueAsNew). */
  gen: number;
  event: HistoryEvent;
}

/**
 * What the store can never hold (Table storage takes 1 MiB an entity, 4 MiB a transaction): a retry cannot help,
 * so the engine refuses it (413) or tells the orchestration, and records a dead letter (tooLarge.ts).
 */
export class PayloadTooLargeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadTooLargeError';
  }
}

/** A message the engine could never store, and why (kept for an operator; its payload is not). */
export interface DeadLetter {
  instanceId: string;
  messageId: string;
  eventType: number;
  reason: string;
  at: string;
}

/** Creating an instance whose id is taken. */
export class InstanceExistsError extends Error {
  constructor(instanceId: string) {
    super(`An instance with ID "${instanceId}" already exists.`);
  }
}

/** Durable state for one task hub. */
export interface DurableStore {
  init(): Promise<void>;
  getInstance(instanceId: string): Promise<InstanceRecord | undefined>;
  listInstances(): AsyncIterable<InstanceRecord>;
  /** The current generation's history (in episode order) and every waiting message (in seq order). */
  loadPartition(instance: InstanceRecord): Promise<{ history: HistoryEvent[]; messages: StoredMessage[] }>;
  /** Adds a message; false when a message with that id is already waiting (a duplicate delivery). */
  addMessage(instanceId: string, message: StoredMessage): Promise<boolean>;
  deleteMessage(instanceId: string, messageId: string): Promise<void>;
  /**
   * One episode, atomically: its history events (under the record's generation and episode), the consumed
   * message gone, messages added, the new state. With `createState` the state row must not exist yet (a new
   * instance's first episode): InstanceExistsError if it does.
   */
  commitEpisode(
    record: InstanceRecord,
    events: HistoryEvent[],
    consumedMessageId: string | undefined,
    added?: StoredMessage[],
    createState?: boolean,
  ): Promise<void>;
  /** Deletes an instance and everything it holds; 1 if it existed. */
  purge(instanceId: string): Promise<number>;
  /** Records a message that could never be stored. */
  addDeadLetter(letter: DeadLetter): Promise<void>;
}

/** A history row's key: generation then episode, padded so that string order is episode order. */
export const historyKey = (gen: number, episode: number): string =>
  `${String(gen).padStart(6, '0')}-${String(episode).padStart(8, '0')}`;

/** Orders messages by seq (start and terminate messages begin with "0", so they sort first). */
export const bySeq = (a: StoredMessage, b: StoredMessage): number => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

/** Table keys may not contain / \ # ? or control characters. */
export function encodeKey(value: string): string {
  return value.replace(/[\\/#?%\p{Cc}]/gu, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
