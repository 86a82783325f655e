import { phoneNumberOf } from '../acs/identifiers';
import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

/**
 * Who has texted STOP. Kept as a one-way hash of the number, so the list itself holds no phone numbers;
 * every outbound SMS is checked against it.
 */
export class OptOutList {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  private key(phoneNumber: string): string {
    return createHash('sha256').update(phoneNumberOf(phoneNumber)).digest('hex');
  }

  async isOptedOut(phoneNumber: string): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.getEntity('optout', this.key(phoneNumber));
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return false;
      throw error;
    }
  }

  async optOut(phoneNumber: string, now = new Date()): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity(
      { partitionKey: 'optout', rowKey: this.key(phoneNumber), at: now.toISOString() },
      'Replace',
    );
  }

  async optIn(phoneNumber: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity('optout', this.key(phoneNumber));
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }
}
