import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

/** An entry older than this is a call whose end was never recorded (a crash); it no longer counts. */
const STALE_AFTER_MS = 4 * 3600_000;

/**
 * Calls in progress per flow, for overflow (`maxActiveCalls`): one row per answered call, removed when its
 * orchestration ends. Holds no phone numbers.
 */
export class ActiveCalls {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  async add(flow: string, callId: string, now = new Date()): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: flow, rowKey: callId, startedAt: now.toISOString() }, 'Replace');
  }

  async remove(flow: string, callId: string): Promise<void> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(flow, callId);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }

  /** Calls in progress for each of the given flows. */
  async count(flows: string[], now = new Date()): Promise<Record<string, number>> {
    await this.ensureTable();
    const counts: Record<string, number> = {};
    await Promise.all(
      flows.map(async (flow) => {
        let n = 0;
        const filter = `PartitionKey eq '${flow.replace(/'/g, "''")}'`;
        for await (const row of this.table.listEntities<{ startedAt: string }>({
          queryOptions: { filter, select: ['startedAt'] },
        })) {
          if (now.getTime() - Date.parse(row.startedAt) < STALE_AFTER_MS) n++;
        }
        counts[flow] = n;
      }),
    );
    return counts;
  }
}
