import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

/**
 * Exactly one reply per inbound message: the first delivery claims the message id (insert-if-absent, as
 * calls are claimed); redeliveries and duplicates find the claim and do nothing. A delivery that fails
 * before it has replied releases its claim, so Event Grid's retry can still answer.
 */
export class MessageClaims {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  private key(channel: string, messageId: string): string {
    return createHash('sha256').update(`${channel}|${messageId}`).digest('hex').slice(0, 40);
  }

  /** True for the first claim of this message; false for every later one. */
  async claim(channel: string, messageId: string, now = new Date()): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.createEntity({
        partitionKey: this.key(channel, messageId),
        rowKey: 'claim',
        at: now.toISOString(),
      });
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 409) return false;
      throw error;
    }
  }

  /** Runs `act` for the first delivery of a message only; a failed `act` releases the claim for a retry. */
  async once<T>(channel: string, messageId: string, act: () => Promise<T>): Promise<T | 'duplicate'> {
    if (!(await this.claim(channel, messageId))) return 'duplicate';
    try {
      return await act();
    } catch (error) {
      await this.release(channel, messageId);
      throw error;
    }
  }

  async release(channel: string, messageId: string): Promise<void> {
    try {
      await this.table.deleteEntity(this.key(channel, messageId), 'claim');
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }
}
