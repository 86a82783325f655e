import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { redactText } from '../insights/redact';
import { createTableOnce } from '../storage/createTableOnce';

// Conversation memory in Table storage, one row per conversation (channel + customer + business address).
// The row is keyed by a hash, and the history holds only redacted text, so the table stores no phone
// numbers and no PII. Updates are optimistic (ETag), so concurrent messages of one customer never lose a
// turn or a rate-limit count.

export type Channel = 'sms' | 'chat' | 'whatsapp';

export interface StoredTurn {
  role: 'customer' | 'bot' | 'agent';
  text: string;
  at: string;
}

export interface ConversationState {
  /** Names the conversation's export and summary; a new one after the TTL. */
  conversationId: string;
  channel: Channel;
  agent: string;
  /** The customer's hashed identity for analytics (analytics/customerHash.ts), when a salt is set. */
  customer?: string;
  /** The business address (number, WhatsApp channel id or chat thread id): erasure finds exports by it. */
  business?: string;
  status: 'open' | 'handedOff';
  startedAt: string;
  lastActivityAt: string;
  /** Last message from the customer (WhatsApp's 24-hour window runs from it). */
  lastInboundAt?: string;
  history: StoredTurn[];
  /** Replies sent in the current hour, for the per-sender limit. */
  rateHour: string;
  rateCount: number;
  deliveryFailures: number;
}

interface Row {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  state: string;
}

const MAX_STORED_TURNS = 60;
const MAX_TURN_CHARS = 2000;

export function conversationKey(channel: Channel, customer: string, business: string): string {
  return createHash('sha256').update(`${channel}|${customer}|${business}`).digest('hex').slice(0, 40);
}

/** What redaction leaves of one message, as stored and exported. */
export function redactForStorage(text: string): string {
  return redactText(text.slice(0, MAX_TURN_CHARS));
}

export class ConversationStore {
  private readonly ensureTable: () => Promise<void>;

  constructor(
    private readonly table: TableClient,
    private readonly ttlMs: number,
    /** Hashes a customer's address for analytics; without one, conversations carry no customer identity. */
    readonly hashCustomer: (address: string) => string | undefined = () => undefined,
  ) {
    this.ensureTable = createTableOnce(table);
  }

  private async read(key: string): Promise<{ state: ConversationState; etag: string } | undefined> {
    try {
      const row = await this.table.getEntity<Row>(key, 'state');
      return { state: JSON.parse(row.state) as ConversationState, etag: row.etag };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** The live conversation, or undefined when there is none or it has been idle past the TTL. */
  async get(key: string, now = new Date()): Promise<ConversationState | undefined> {
    await this.ensureTable();
    const found = await this.read(key);
    if (!found || now.getTime() - Date.parse(found.state.lastActivityAt) > this.ttlMs) return undefined;
    return found.state;
  }

  /** When the customer last wrote, however long ago (WhatsApp's window outlives the memory TTL). */
  async lastInboundAt(key: string): Promise<Date | undefined> {
    await this.ensureTable();
    const at = (await this.read(key))?.state.lastInboundAt;
    return at ? new Date(at) : undefined;
  }

  /**
   * Reads, changes and writes one conversation, retrying when another message changed it meanwhile.
   * `change` sees the live state (a fresh one after the TTL, with the expired one as `expired`) and returns
   * what to keep plus a result; it may run more than once, so it must only compute.
   */
  async update<T>(
    key: string,
    fresh: () => ConversationState,
    change: (state: ConversationState, expired?: ConversationState) => { state: ConversationState; result: T },
    now = new Date(),
  ): Promise<T> {
    await this.ensureTable();
    for (let attempt = 0; ; attempt++) {
      const found = await this.read(key);
      const expired = found && now.getTime() - Date.parse(found.state.lastActivityAt) > this.ttlMs;
      const current = !found || expired ? fresh() : found.state;
      const { state, result } = change(current, expired ? found.state : undefined);
      state.history = state.history.slice(-MAX_STORED_TURNS);
      const row = { partitionKey: key, rowKey: 'state', state: JSON.stringify(state) };
      try {
        if (found) await this.table.updateEntity(row, 'Replace', { etag: found.etag });
        else await this.table.createEntity(row);
        return result;
      } catch (error) {
        const conflict = error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);
        if (!conflict || attempt >= 8) throw error;
      }
    }
  }

  /** A reply the carrier could not deliver: counted on the conversation, never sent again. */
  async recordDeliveryFailure(key: string): Promise<boolean> {
    await this.ensureTable();
    for (let attempt = 0; attempt < 8; attempt++) {
      const found = await this.read(key);
      if (!found) return false;
      found.state.deliveryFailures += 1;
      const row = { partitionKey: key, rowKey: 'state', state: JSON.stringify(found.state) };
      try {
        await this.table.updateEntity(row, 'Replace', { etag: found.etag });
        return true;
      } catch (error) {
        if (!(error instanceof RestError && error.statusCode === 412)) throw error;
      }
    }
    return false;
  }

  /** Conversations idle past the TTL (the sweep exports and forgets them). */
  async *idle(now = new Date()): AsyncGenerator<{ key: string; state: ConversationState; etag: string }> {
    await this.ensureTable();
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter: "RowKey eq 'state'" } })) {
      const state = JSON.parse(row.state) as ConversationState;
      if (now.getTime() - Date.parse(state.lastActivityAt) > this.ttlMs)
        yield { key: row.partitionKey, state, etag: row.etag };
    }
  }

  /** Deletes a conversation whatever its state (a customer's erasure). */
  async erase(key: string): Promise<void> {
    await this.ensureTable();
    await this.table.deleteEntity(key, 'state').catch((error: unknown) => {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    });
  }

  /** Forgets a conversation unless a message changed it since it was read (then it is live again). */
  async forget(key: string, etag: string): Promise<boolean> {
    try {
      await this.table.deleteEntity(key, 'state', { etag });
      return true;
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 404 || error.statusCode === 412)) return false;
      throw error;
    }
  }
}
