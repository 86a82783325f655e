import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from './createTableOnce';

/**
 * "Has this happened before?" answered once for every instance of the app: an insert-if-absent on a key
 * (hashed: table keys forbid some characters). `release` forgets a key whose action failed, so a retry acts.
 */
export class FirstUseTable {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /** True the first time `key` is seen; false every time after. */
  async first(key: string, properties: Record<string, string | number> = {}): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.createEntity({ partitionKey: keyOf(key), rowKey: 'once', ...properties });
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 409) return false;
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.table.deleteEntity(keyOf(key), 'once').catch(() => undefined);
  }
}

const keyOf = (key: string): string => createHash('sha256').update(key).digest('hex');
