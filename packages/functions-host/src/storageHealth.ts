import { RestError } from '@azure/data-tables';

// Every wait the host makes on its own storage (AzureWebJobsStorage) is bounded: a storage account that
// accepts connections and never answers (two Azurite processes fighting over one port, say) must not
// leave a request hanging. A call that times out or cannot connect marks storage unreachable, and the
// host answers what needs storage with 503 and Retry-After until a probe or a call succeeds again.

export const DEFAULT_STORAGE_TIMEOUT_MS = 20_000;
/** What 503 answers tell clients to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** The host's storage did not answer in time, or refused the connection. */
export class StorageUnavailableError extends Error {}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'REQUEST_SEND_ERROR']);

function isUnreachable(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (error instanceof Error && error.name === 'AbortError') return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return (error instanceof RestError || error instanceof Error) && typeof code === 'string' && NETWORK_CODES.has(code);
}

export class StorageHealth {
  private problem: string | undefined;
  private probing: NodeJS.Timeout | undefined;
  private probe: (() => Promise<void>) | undefined;

  constructor(readonly timeoutMs = DEFAULT_STORAGE_TIMEOUT_MS) {}

  get reachable(): boolean {
    return this.problem === undefined;
  }

  /** Why storage is unreachable, for 503 answers and logs. */
  get reason(): string {
    return this.problem ?? '';
  }

  /**
   * Runs one storage call with a deadline (`run` must pass the signal to the SDK). A timeout or a network
   * failure becomes StorageUnavailableError; any other error (404, 409, ...) passes through untouched.
   */
  async call<T>(what: string, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const result = await run(signal);
      this.healed();
      return result;
    } catch (error) {
      if (!isUnreachable(error, signal)) throw error;
      const detail = signal.aborted ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
      this.problem = `The host's storage (AzureWebJobsStorage) is not reachable: ${what}: ${detail}.`;
      this.startProbing();
      throw new StorageUnavailableError(this.problem, { cause: error });
    }
  }

  /** What the host runs to find out whether storage is back (with its own call()); started when it is lost. */
  watch(probe: () => Promise<void>): void {
    this.probe = probe;
  }

  stop(): void {
    clearTimeout(this.probing);
    this.probing = undefined;
  }

  private healed(): void {
    this.problem = undefined;
    this.stop();
  }

  private startProbing(): void {
    if (this.probing || !this.probe) return;
    const probe = this.probe;
    this.probing = setTimeout(() => {
      this.probing = undefined;
      probe().catch(() => this.startProbing());
    }, RETRY_AFTER_SECONDS * 1_000);
    this.probing.unref();
  }
}
