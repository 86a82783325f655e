import type { TableClient } from '@azure/data-tables';
import { FirstUseTable } from '../storage/firstUseTable';

// A callback token is good for one delivery: its `jti` is recorded (insert-if-absent, so all instances
// agree) and a second use within the token's lifetime is refused. Expired tokens fail verification
// anyway, so a record outlives its use only until the token's `exp`.

export class TokenReplayGuard {
  private readonly seen: FirstUseTable;

  constructor(table: TableClient) {
    this.seen = new FirstUseTable(table);
  }

  /** True the first time this jti is seen; false for a replay. */
  firstUse(jti: string, expiresAt: number): Promise<boolean> {
    return this.seen.first(jti, { expiresAt });
  }

  /** Forgets a jti whose delivery failed on our side, so ACS's retry with the same token is accepted. */
  release(jti: string): Promise<void> {
    return this.seen.release(jti);
  }

  /** Forgets the jtis of tokens that have expired (a replay of one fails verification anyway). */
  sweepExpired(now = new Date()): Promise<number> {
    return this.seen.sweepBelow('expiresAt', now.getTime() / 1000);
  }
}
