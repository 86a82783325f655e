import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

// A callback token is good for one delivery: its `jti` is recorded (insert-if-absent, so all instances
// agree) and a second use within the token's lifetime is refused. Expired tokens fail verification
// anyway, so a record outlives its use only until the token's `exp`.

export class TokenReplayGuard {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /** True the first time this jti is seen; false for a replay. */
  async firstUse(jti: string, expiresAt: number): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.createEntity({ partitionKey: keyOf(jti), rowKey: 'jti', expiresAt });
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 409) return false;
      throw error;
    }
  }

  /** Forgets a jti whose delivery failed on our side, so ACS's retry with the same token is accepted. */
  async release(jti: string): Promise<void> {
    await this.table.deleteEntity(keyOf(jti), 'jti').catch(() => undefined);
  }
}

const keyOf = (jti: string): string => createHash('sha256').update(jti).digest('hex');
