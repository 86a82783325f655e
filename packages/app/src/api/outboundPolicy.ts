import { createHash } from 'node:crypto';
import { RestError } from '@azure/core-rest-pipeline'; // the class data-tables re-exports, already loaded
import type { TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

// Toll-fraud guards for placing calls: destinations only under allowed country codes / prefixes, and
// fixed one-minute windows capping calls per caller and for the whole app. Counters live in Table
// storage with ETag concurrency, so every instance of a scaled-out app shares the same caps.

/** The first destination not under an allowed prefix, or undefined when all are allowed. */
export function firstDisallowed(destinations: string[], allowedPrefixes: string[]): string | undefined {
  return destinations.find((to) => !allowedPrefixes.some((prefix) => to.startsWith(prefix)));
}

export interface RateLimits {
  perCaller: number;
  global: number;
}

export type RateDecision = { ok: true } | { ok: false; scope: 'caller' | 'app'; retryAfterSeconds: number };

const MAX_TRIES = 20;

export class RateCaps {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /** Counts one request by `caller` against both caps, or says which cap it is over. */
  async take(caller: string, limits: RateLimits, now = Date.now()): Promise<RateDecision> {
    await this.ensureTable();
    const minute = Math.floor(now / 60_000);
    const retryAfterSeconds = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    const window = `minute-${minute}`;
    const callerKey = `caller-${createHash('sha256').update(caller).digest('hex').slice(0, 32)}`;
    if (!(await this.increment(window, callerKey, limits.perCaller)))
      return { ok: false, scope: 'caller', retryAfterSeconds };
    if (!(await this.increment(window, 'app', limits.global))) return { ok: false, scope: 'app', retryAfterSeconds };
    return { ok: true };
  }

  /** Adds one to the counter unless it has reached `limit`; false when it has. */
  private async increment(partitionKey: string, rowKey: string, limit: number): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      let current: { count: number; etag: string } | undefined;
      try {
        current = await this.table.getEntity<{ count: number }>(partitionKey, rowKey);
      } catch (error) {
        if (!(error instanceof RestError && error.statusCode === 404)) throw error;
      }
      try {
        if (!current) {
          await this.table.createEntity({ partitionKey, rowKey, count: 1 });
          return true;
        }
        if (current.count >= limit) return false;
        await this.table.updateEntity({ partitionKey, rowKey, count: current.count + 1 }, 'Replace', {
          etag: current.etag,
        });
        return true;
      } catch (error) {
        // Another request counted first: read again and retry.
        if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412)) continue;
        throw error;
      }
    }
    return false; // contention this heavy is itself over any sane cap
  }
}
