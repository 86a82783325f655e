import { TableClient, type TableEntity, type TransactionAction, RestError } from '@azure/data-tables';
import type { HistoryEvent } from './historyEvent';
import {
  bySeq,
  encodeKey,
  historyKey,
  InstanceExistsError,
  PayloadTooLargeError,
  type DeadLetter,
  type DurableStore,
  type InstanceRecord,
  type RuntimeStatus,
  type StoredMessage,
} from './store';
import { StorageHealth } from '../storageHealth';
import { createStorageHttpAgent } from '@switchboard/core/storage/storageHttpAgent';
import { plainHttpAllowed } from '@switchboard/core/storage/plainHttpAllowed';

// Durable state in Azure Table storage, one partition per instance so that an episode (its history,
// the message it consumed and the instance's new state) commits in ONE entity-group transaction:
// a host killed at any point either has the whole episode or none of it.
//   RowKey "state"             the instance (status, input, output, custom status, the host's bookkeeping)
//   RowKey "h-<gen>-<episode>" the history events one episode appended
//   RowKey "m-<message id>"    a message waiting for the instance (deterministic ids make delivery idempotent)
// and, in the partition "deadletter", one row per message that could never be stored (tooLarge.ts).

const CHUNK = 30_000; // a string property holds 64 KiB (32K UTF-16 chars); stay below it

function pack(entity: Record<string, unknown>, field: string, text: string | undefined): void {
  if (text === undefined) return;
  const count = Math.max(1, Math.ceil(text.length / CHUNK));
  entity[`${field}_n`] = count;
  for (let i = 0; i < count; i++) entity[`${field}_${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
}

function unpack(entity: Record<string, unknown>, field: string): string | undefined {
  const count = entity[`${field}_n`];
  if (typeof count !== 'number') return undefined;
  let text = '';
  for (let i = 0; i < count; i++) {
    const part = entity[`${field}_${i}`];
    text += typeof part === 'string' ? part : '';
  }
  return text;
}

const historyRow = (gen: number, episode: number) => `h-${historyKey(gen, episode)}`;

export class TableDurableStore implements DurableStore {
  private readonly table: TableClient;

  /** Every call is bounded by `health` (a storage that never answers fails it, never hangs it). */
  constructor(
    connectionString: string,
    taskHub: string,
    private readonly health = new StorageHealth(),
  ) {
    this.table = TableClient.fromConnectionString(connectionString, `${taskHub}Instances`, {
      allowInsecureConnection: true,
      // Its own pool, apart from the app's: the engine's commits must not queue behind the app's requests.
      agent: createStorageHttpAgent(plainHttpAllowed(connectionString, 'Table')),
    });
  }

  async init(): Promise<void> {
    await this.health.call('create the Durable table', (abortSignal) => this.table.createTable({ abortSignal }));
  }

  getInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.health.call('read an orchestration instance', async (abortSignal) => {
      try {
        return toRecord(await this.table.getEntity(encodeKey(instanceId), 'state', { abortSignal }));
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        throw error;
      }
    });
  }

  async *listInstances(): AsyncGenerator<InstanceRecord> {
    const entities = await this.health.call('list orchestration instances', (abortSignal) =>
      collect(this.table.listEntities({ queryOptions: { filter: `RowKey eq 'state'` }, abortSignal })),
    );
    for (const entity of entities) yield toRecord(entity);
  }

  /** The current generation's history and every waiting message. */
  async loadPartition(instance: InstanceRecord): Promise<{ history: HistoryEvent[]; messages: StoredMessage[] }> {
    const history: HistoryEvent[] = [];
    const messages: StoredMessage[] = [];
    const prefix = `h-${String(instance.generation).padStart(6, '0')}-`;
    const entities = await this.health.call('load an orchestration instance', (abortSignal) =>
      collect(
        this.table.listEntities({
          queryOptions: { filter: `PartitionKey eq '${encodeKey(instance.instanceId).replace(/'/g, "''")}'` },
          abortSignal,
        }),
      ),
    );
    for (const entity of entities) {
      const rowKey = entity.rowKey ?? '';
      if (rowKey.startsWith(prefix)) history.push(...(JSON.parse(unpack(entity, 'events') ?? '[]') as HistoryEvent[]));
      else if (rowKey.startsWith('m-')) messages.push(toMessage(entity));
    }
    // Rows come back in RowKey order, which is episode order for history.
    messages.sort(bySeq);
    return { history, messages };
  }

  /** Adds a message; false when a message with that id is already waiting (a duplicate delivery). */
  addMessage(instanceId: string, message: StoredMessage): Promise<boolean> {
    return this.health.call('store a message for an orchestration', async (abortSignal) => {
      try {
        await this.table.createEntity(messageEntity(instanceId, message), { abortSignal });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw tooLargeOr(error);
      }
    });
  }

  deleteMessage(instanceId: string, messageId: string): Promise<void> {
    return this.health.call('delete an orchestration message', async (abortSignal) => {
      try {
        await this.table.deleteEntity(encodeKey(instanceId), `m-${encodeKey(messageId)}`, { abortSignal });
      } catch (error) {
        if (!(error instanceof RestError && error.statusCode === 404)) throw error;
      }
    });
  }

  /**
   * One episode, atomically: its history events, the consumed message gone, the new state. With
   * `createState` the state row must not exist yet (a new instance's first episode): InstanceExistsError if it does.
   */
  async commitEpisode(
    record: InstanceRecord,
    events: HistoryEvent[],
    consumedMessageId: string | undefined,
    added: StoredMessage[] = [],
    createState = false,
  ): Promise<void> {
    const pk = encodeKey(record.instanceId);
    const history: TableEntity = { partitionKey: pk, rowKey: historyRow(record.generation, record.episode) };
    pack(history, 'events', JSON.stringify(events));
    const actions: TransactionAction[] = [['upsert', history, 'Replace']];
    if (consumedMessageId !== undefined)
      actions.push(['delete', { partitionKey: pk, rowKey: `m-${encodeKey(consumedMessageId)}` }]);
    for (const message of added) actions.push(['upsert', messageEntity(record.instanceId, message), 'Replace']);
    actions.push(createState ? ['create', stateEntity(record)] : ['upsert', stateEntity(record), 'Replace']);
    await this.health.call('commit an orchestration episode', async (abortSignal) => {
      try {
        await this.table.submitTransaction(actions, { abortSignal });
      } catch (error) {
        if (createState && isConflict(error)) throw new InstanceExistsError(record.instanceId);
        throw tooLargeOr(error);
      }
    });
  }

  addDeadLetter(letter: DeadLetter): Promise<void> {
    return this.health.call('record a dead letter', async (abortSignal) => {
      await this.table.upsertEntity(
        { partitionKey: 'deadletter', rowKey: encodeKey(`${letter.instanceId} ${letter.messageId}`), ...letter },
        'Replace',
        { abortSignal },
      );
    });
  }

  purge(instanceId: string): Promise<number> {
    const pk = encodeKey(instanceId);
    return this.health.call('purge an orchestration instance', async (abortSignal) => {
      const entities = await collect(
        this.table.listEntities({
          queryOptions: { filter: `PartitionKey eq '${pk.replace(/'/g, "''")}'`, select: ['RowKey'] },
          abortSignal,
        }),
      );
      const keys = entities.map((entity) => entity.rowKey as string);
      for (let i = 0; i < keys.length; i += 100) {
        await this.table.submitTransaction(
          keys.slice(i, i + 100).map((rowKey) => ['delete', { partitionKey: pk, rowKey }] as TransactionAction),
          { abortSignal },
        );
      }
      return keys.includes('state') ? 1 : 0;
    });
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function stateEntity(record: InstanceRecord): TableEntity {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: encodeKey(record.instanceId),
    rowKey: 'state',
    instanceId: record.instanceId,
    name: record.name,
    status: record.status,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    generation: record.generation,
    episode: record.episode,
  };
  if (record.parentInstanceId !== undefined) {
    entity.parentInstanceId = record.parentInstanceId;
    entity.parentTaskId = record.parentTaskId;
    entity.parentGeneration = record.parentGeneration;
  }
  pack(entity, 'input', record.inputJson);
  pack(entity, 'output', record.outputJson);
  pack(entity, 'custom', record.customStatusJson);
  pack(entity, 'host', record.hostJson);
  return entity;
}

function toRecord(entity: Record<string, unknown>): InstanceRecord {
  return {
    instanceId: String(entity.instanceId),
    name: String(entity.name),
    status: entity.status as RuntimeStatus,
    createdTime: String(entity.createdTime),
    lastUpdatedTime: String(entity.lastUpdatedTime),
    generation: Number(entity.generation),
    episode: Number(entity.episode),
    parentInstanceId: entity.parentInstanceId as string | undefined,
    parentTaskId: entity.parentTaskId as number | undefined,
    parentGeneration: entity.parentGeneration as number | undefined,
    inputJson: unpack(entity, 'input'),
    outputJson: unpack(entity, 'output'),
    customStatusJson: unpack(entity, 'custom'),
    hostJson: unpack(entity, 'host') ?? '{}',
  };
}

function messageEntity(instanceId: string, message: StoredMessage): TableEntity {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: encodeKey(instanceId),
    rowKey: `m-${encodeKey(message.id)}`,
    messageId: message.id,
    seq: message.seq,
    gen: message.gen,
  };
  pack(entity, 'event', JSON.stringify(message.event));
  return entity;
}

function toMessage(entity: Record<string, unknown>): StoredMessage {
  return {
    id: String(entity.messageId),
    seq: String(entity.seq),
    gen: Number(entity.gen),
    event: JSON.parse(unpack(entity, 'event') ?? '{}') as HistoryEvent,
  };
}

function isConflict(error: unknown): boolean {
  if (error instanceof RestError && error.statusCode === 409) return true;
  // A transaction reports the failing operation's conflict inside its error.
  return error instanceof Error && /EntityAlreadyExists|already exists/i.test(error.message);
}

/** Storage's refusal of an entity or a transaction for its size, as a PayloadTooLargeError; other errors as they are. */
function tooLargeOr(error: unknown): unknown {
  const code = error instanceof RestError ? String(error.code ?? '') : '';
  const sized = /EntityTooLarge|RequestBodyTooLarge|PropertyValueTooLarge/.test(code);
  if (!sized && !(error instanceof Error && /larger than the maximum allowed size/i.test(error.message))) return error;
  return new PayloadTooLargeError('it is larger than table storage holds (1 MiB an entity, 4 MiB a transaction)', {
    cause: error,
  });
}
