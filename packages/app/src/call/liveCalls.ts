import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

export interface LiveCall {
  callId: string;
  callConnectionId: string;
  since: string;
}

const ROW = 'live';

/**
 * Calls that ACS has connected to the app (the answer or createCall returned their connection), until the
 * orphan sweep (orphanSweep.ts) sees their orchestration over. Holds no phone numbers.
 */
export class LiveCalls {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  async add(callId: string, callConnectionId: string, now = new Date()): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity(
      { partitionKey: callId, rowKey: ROW, callConnectionId, since: now.toISOString() },
      'Replace',
    );
  }

  async remove(callId: string): Promise<void> {
    await this.table.deleteEntity(callId, ROW).catch((error: unknown) => {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    });
  }

  async *list(): AsyncGenerator<LiveCall> {
    await this.ensureTable();
    const rows = this.table.listEntities<{ callConnectionId: string; since: string }>({
      queryOptions: { select: ['PartitionKey', 'callConnectionId', 'since'] },
    });
    for await (const row of rows)
      yield { callId: row.partitionKey!, callConnectionId: row.callConnectionId, since: row.since };
  }
}
