import { RestError, type TableClient } from '@azure/data-tables';

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
  private ready?: Promise<unknown>;

  constructor(private readonly table: TableClient) {}

  /** True for the first claim of this call; false for every later one. */
  async claim(claim: CallClaim, now = new Date()): Promise<boolean> {
    this.ready ??= this.table.createTable().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    try {
      await this.table.createEntity({ partitionKey: claim.callId, rowKey: 'claim', action: claim.action, flow: claim.flow ?? '', why: claim.why, claimedAt: now.toISOString() });
      return true;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 409) return false;
      throw error;
    }
  }
}
