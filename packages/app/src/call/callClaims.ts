import { odata, RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

export interface CallClaim {
  callId: string;
  action: 'answer' | 'redirect' | 'reject';
  flow?: string;
  why: string;
}

/**
 * Claims a call atomically in Table storage (insert-if-absent), so exactly one of several concurrent
 * deliveries of an IncomingCall acts on it. Holds no phone numbers.
 */
export class CallClaims {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /** True for the first claim of this call; false for every later one. */
  async claim(claim: CallClaim, now = new Date()): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.createEntity({
        partitionKey: claim.callId,
        rowKey: 'claim',
        action: claim.action,
        flow: claim.flow ?? '',
        why: claim.why,
        claimedAt: now.toISOString(),
      });
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 409) return false;
      throw error;
    }
  }

  /**
   * Keeps the call connection id :answer returned on the claim (written only after the answer, so it never
   * slows the answer down), for the orchestration to ask ACS about the call when CallConnected is lost.
   */
  async recordConnection(callId: string, callConnectionId: string): Promise<void> {
    await this.table.updateEntity({ partitionKey: callId, rowKey: 'claim', callConnectionId }, 'Merge');
  }

  /** The call connection id the answer returned, if it has been recorded. */
  async connectionOf(callId: string): Promise<string | undefined> {
    try {
      const entity = await this.table.getEntity<{ callConnectionId?: string }>(callId, 'claim', {
        queryOptions: { select: ['callConnectionId'] },
      });
      return entity.callConnectionId || undefined;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Forgets the claims made before `cutoff` (the table's own Timestamp); returns how many. */
  async sweepOlderThan(cutoff: Date): Promise<number> {
    await this.ensureTable();
    let swept = 0;
    const rows = this.table.listEntities({
      queryOptions: { filter: odata`Timestamp lt ${cutoff}`, select: ['partitionKey', 'rowKey'] },
    });
    for await (const row of rows) {
      await this.release(row.partitionKey!); // gone already (another instance's sweep) counts as swept
      swept += 1;
    }
    return swept;
  }

  /** Gives a claim back when its holder could not act (nothing started), so a redelivery can. */
  async release(callId: string): Promise<void> {
    await this.table.deleteEntity(callId, 'claim').catch((error: unknown) => {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    });
  }
}
