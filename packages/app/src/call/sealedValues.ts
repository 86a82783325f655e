import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ValidationError } from '@switchboard/core/errors';

// A caller's number travels through a call's orchestration (its input, the inputs of the activities that dial,
// recognize or text it), and whatever an orchestration holds is shown by the Durable status API to anyone who
// may read it. So the app seals it before it starts the orchestration and only activities open it:
// AES-256-GCM under a key derived from the app's own key in its storage (CallbackSecrets, no key in settings).
// The orchestration passes sealed values through without reading them.

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a value is sealed (else it is a plain value: an older orchestration's, or a test's). */
export function isSealed(value: string | undefined): value is string {
  return value?.startsWith(PREFIX) ?? false;
}

export class SealedValues {
  private key?: Promise<Buffer>;

  /** `masterKey`: the app's own secret; the sealing key is derived from it for this purpose alone. */
  constructor(private readonly masterKey: () => Promise<Buffer>) {}

  async seal(value: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.sealingKey(), iv);
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The value a sealed one holds; a plain value is returned as it is. */
  async open(value: string): Promise<string> {
    if (!isSealed(value)) return value;
    const bytes = Buffer.from(value.slice(PREFIX.length), 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new ValidationError('A sealed value is truncated.');
    const decipher = createDecipheriv('aes-256-gcm', await this.sealingKey(), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new ValidationError('A sealed value was not sealed by this app, or was altered.', { cause: error });
    }
  }

  private sealingKey(): Promise<Buffer> {
    this.key ??= this.masterKey()
      .then((master) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'switchboard sealed values v1', 32)))
      .catch((error: unknown) => {
        this.key = undefined;
        throw error;
      });
    return this.key;
  }
}
