import type { TableClient } from '@azure/data-tables';
import { FirstUseTable } from '../storage/firstUseTable';

// An ACS token is good for one use, on any endpoint: a callback delivery or a media connection. Its replay id
// (tokenReplayId: from its signature, as ACS documents no jti) is recorded insert-if-absent, so every app instance
// agrees, and a second use within the token's lifetime is refused. The table is still named after the jti it once
// held (`{taskHub}CallbackJti`): renaming it would forget the ids of tokens still alive.

/** How long after `exp` the verifier still accepts a token (verifyCallbackToken's clock tolerance, 60 s). */
const LEEWAY_SECONDS = 60;

export class TokenReplayGuard {
  private readonly seen: FirstUseTable;

  constructor(table: TableClient) {
    this.seen = new FirstUseTable(table);
  }

  /** True the first time this token id is seen; false for a replay. `expiresAt` is the token's `exp` (seconds). */
  firstUse(tokenId: string, expiresAt: number): Promise<boolean> {
    return this.seen.first(tokenId, { expiresAt });
  }

  /** Forgets a token whose delivery failed on our side, so ACS's retry with the same token is accepted. */
  release(tokenId: string): Promise<void> {
    return this.seen.release(tokenId);
  }

  /** Forgets the ids of tokens the verifier no longer accepts (expired, leeway included): a replay fails anyway. */
  sweepExpired(now = new Date()): Promise<number> {
    return this.seen.sweepBelow('expiresAt', now.getTime() / 1000 - LEEWAY_SECONDS);
  }
}
