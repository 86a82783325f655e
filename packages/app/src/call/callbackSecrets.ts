import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';

// Each call's callback URL carries an unguessable secret bound to that call: HMAC-SHA256 of the call id
// under a random key the app creates once in its own storage (no key in settings). A genuine ACS token
// replayed against another call's URL fails, because the secret in the URL belongs to the first call.

const PARTITION = 'callback';
const ROW = 'hmac-key';

export class CallbackSecrets {
  private readonly ensureTable: () => Promise<void>;
  private key?: Promise<Buffer>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /** The secret for this call's callback URL. */
  async secretFor(callId: string): Promise<string> {
    return createHmac('sha256', await this.loadKey())
      .update(callId)
      .digest('base64url');
  }

  /** Whether `given` is this call's secret (constant time). */
  async matches(callId: string, given: string | null | undefined): Promise<boolean> {
    if (!given) return false;
    const expected = Buffer.from(await this.secretFor(callId));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** The app's own key (created once in its storage), for keys derived from it for other purposes. */
  masterKey(): Promise<Buffer> {
    return this.loadKey();
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= this.readOrCreateKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  private async readOrCreateKey(): Promise<Buffer> {
    await this.ensureTable();
    try {
      const entity = await this.table.getEntity<{ key: string }>(PARTITION, ROW);
      return Buffer.from(entity.key, 'base64');
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
    const key = randomBytes(32);
    try {
      await this.table.createEntity({ partitionKey: PARTITION, rowKey: ROW, key: key.toString('base64') });
      return key;
    } catch (error) {
      // Another instance created it first: use theirs.
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      const entity = await this.table.getEntity<{ key: string }>(PARTITION, ROW);
      return Buffer.from(entity.key, 'base64');
    }
  }
}
