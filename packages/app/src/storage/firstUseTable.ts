import { createHash } from 'node:crypto';
import { odata, RestError, type TableClient } from '@azure/data-tables';
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

  /** Forgets every key first seen before `cutoff` (the table's own Timestamp); returns how many. */
  sweepOlderThan(cutoff: Date): Promise<number> {
    return this.sweep(odata`Timestamp lt ${cutoff}`);
  }

  /** Forgets every key whose numeric `field` (given to first()) is below `limit`; returns how many. */
  sweepBelow(field: string, limit: number): Promise<number> {
    return this.sweep(`${field} lt ${Math.floor(limit)}`);
  }

  private async sweep(filter: string): Promise<number> {
    await this.ensureTable();
    let swept = 0;
    const rows = this.table.listEntities({ queryOptions: { filter, select: ['partitionKey', 'rowKey'] } });
    for await (const row of rows) {
      // Gone already (another instance's sweep) is swept too.
      await this.table.deleteEntity(row.partitionKey!, row.rowKey!).catch((error: unknown) => {
        if (!(error instanceof RestError && error.statusCode === 404)) throw error;
      });
      swept += 1;
    }
    return swept;
  }
}

const keyOf = (key: string): string => createHash('sha256').update(key).digest('hex');
