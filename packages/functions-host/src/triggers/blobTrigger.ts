import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { RestError, TableClient } from '@azure/data-tables';
import type { AppFunction } from '../appLoader';
import type { Invoker } from '../invoker';
import { resolveSettingExpressions, storageConnectionString } from '../settings';
import { encodeKey } from '../durable/store';

// Blob triggers over a storage account (Azurite locally), with the Functions host's guarantees: each
// blob version (ETag) is processed once per function, receipts live in Table storage so they survive a
// restart and keep two hosts from processing the same version, failures are retried up to 5 times and
// then reported on the `webjobs-blobtrigger-poison` queue. A trigger with `source: 'EventGrid'` is not
// scanned: it runs when Event Grid delivers a BlobCreated event to the blob extension's webhook
// (blobEventGridWebhook.ts), as on Flex Consumption, with the same receipts.

const MAX_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;
const RECEIPTS_TABLE = 'WebJobsBlobReceipts';

export interface Watch {
  fn: AppFunction;
  container: ContainerClient;
  receipts: TableClient;
  poison: QueueClient;
  prefix: string;
  pattern: RegExp;
  names: string[];
  done: Map<string, string>;
}

interface Receipt {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  blobEtag: string;
  status: 'processing' | 'done' | 'failed' | 'poisoned';
  attempts: number;
  leaseUntil: number;
  error?: string;
}

/** What one attempt at a blob version came to (the Event Grid webhook answers by it). */
export type BlobOutcome = 'done' | 'already-done' | 'busy' | 'failed' | 'poisoned' | 'no-match' | 'gone';

export class BlobTriggerListener {
  private readonly watches: Watch[] = [];
  /** Event Grid-sourced triggers by function name: never scanned, run by the webhook. */
  readonly eventGridWatches = new Map<string, Watch>();
  private readonly inFlight = new Set<string>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;

  constructor(
    functions: Iterable<AppFunction>,
    private readonly invoker: Invoker,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
    private readonly pollMs = 200,
  ) {
    for (const fn of functions) {
      if (fn.trigger.type !== 'blobTrigger' || fn.error) continue;
      const path = resolveSettingExpressions(typeof fn.trigger.path === 'string' ? fn.trigger.path : '');
      const slash = path.indexOf('/');
      if (slash <= 0) {
        fn.error = `Blob trigger "${fn.name}" has path "${path}": it must be "container/pattern", e.g. "recordings/{name}".`;
        continue;
      }
      const connection = storageConnectionString(fn.trigger.connection);
      const service = BlobServiceClient.fromConnectionString(connection);
      const { regex, names, prefix } = compileBlobPattern(path.slice(slash + 1));
      const watch: Watch = {
        fn,
        container: service.getContainerClient(path.slice(0, slash)),
        receipts: TableClient.fromConnectionString(connection, RECEIPTS_TABLE, { allowInsecureConnection: true }),
        poison: new QueueClient(connection, 'webjobs-blobtrigger-poison'),
        prefix,
        pattern: regex,
        names,
        done: new Map(),
      };
      if (fn.trigger.source === 'EventGrid') this.eventGridWatches.set(fn.name, watch);
      else this.watches.push(watch);
    }
  }

  get functionNames(): string[] {
    return [...this.watches, ...this.eventGridWatches.values()].map((w) => w.fn.name);
  }

  async start(): Promise<void> {
    for (const watch of this.eventGridWatches.values()) {
      await watch.container.createIfNotExists();
      await watch.receipts.createTable();
    }
    for (const watch of this.watches) {
      await watch.container.createIfNotExists();
      await watch.receipts.createTable();
      for await (const receipt of watch.receipts.listEntities<Receipt>({
        queryOptions: { filter: `PartitionKey eq '${encodeKey(watch.fn.name)}'` },
      })) {
        if (receipt.status === 'done' || receipt.status === 'poisoned')
          watch.done.set(receipt.rowKey, receipt.blobEtag);
      }
    }
    if (this.watches.length) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref?.();
  }

  /** One scan of every watched container. Exposed so tests and tools can force a scan. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const watch of this.watches) {
        try {
          for await (const blob of watch.container.listBlobsFlat({ prefix: watch.prefix })) {
            const params = matchBlob(watch, blob.name);
            const etag = normalizeEtag(blob.properties.etag);
            const key = encodeKey(`${watch.container.containerName}/${blob.name}`);
            if (!params || watch.done.get(key) === etag || this.inFlight.has(`${watch.fn.name}|${key}`)) continue;
            void this.process(watch, blob.name, key, etag, params);
          }
        } catch (error) {
          this.log(
            'warn',
            `Blob trigger ${watch.fn.name}: listing ${watch.container.containerName} failed: ${(error as Error).message}`,
          );
        }
      }
    } finally {
      this.polling = false;
      this.schedule(this.pollMs);
    }
  }

  /** Runs the function once for the current version of `blobName` (the Event Grid webhook's path). */
  async runBlob(watch: Watch, blobName: string): Promise<BlobOutcome> {
    const params = matchBlob(watch, blobName);
    if (!params) return 'no-match';
    let props;
    try {
      props = await watch.container.getBlobClient(blobName).getProperties();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
      throw error;
    }
    const key = encodeKey(`${watch.container.containerName}/${blobName}`);
    const etag = normalizeEtag(props.etag);
    if (watch.done.get(key) === etag) return 'already-done';
    if (this.inFlight.has(`${watch.fn.name}|${key}`)) return 'busy';
    return this.process(watch, blobName, key, etag, params);
  }

  private async process(
    watch: Watch,
    blobName: string,
    key: string,
    etag: string,
    params: Record<string, string>,
  ): Promise<BlobOutcome> {
    const flightKey = `${watch.fn.name}|${key}`;
    this.inFlight.add(flightKey);
    try {
      const claimed = await this.claim(watch, key, etag);
      if (claimed === 'done') return 'already-done';
      if (!claimed) return 'busy';
      const receipt = claimed;
      const blob = watch.container.getBlobClient(blobName);
      try {
        const content = await blob.downloadToBuffer();
        const props = await blob.getProperties();
        if (normalizeEtag(props.etag) !== etag) {
          // Overwritten meanwhile: release the receipt; the next scan takes the new version.
          await watch.receipts.upsertEntity(
            { ...receipt, etag: undefined, leaseUntil: 0, attempts: receipt.attempts - 1 },
            'Replace',
          );
          return 'busy';
        }
        const triggerMetadata: Record<string, { string?: string; json?: string }> = {
          BlobTrigger: { string: `${watch.container.containerName}/${blobName}` },
          Uri: { string: blob.url },
          Properties: {
            json: JSON.stringify({
              contentType: props.contentType,
              contentLength: props.contentLength,
              eTag: props.etag,
              lastModified: props.lastModified,
              createdOn: props.createdOn,
            }),
          },
          Metadata: { json: JSON.stringify(props.metadata ?? {}) },
        };
        for (const [name, value] of Object.entries(params)) triggerMetadata[name] = { string: value };
        await this.invoker.invoke(watch.fn, {
          trigger: { bytes: content },
          triggerMetadata,
          retryContext: { retryCount: receipt.attempts - 1, maxRetryCount: MAX_ATTEMPTS - 1 },
        });
        await watch.receipts.upsertEntity({ ...receipt, etag: undefined, status: 'done', error: '' }, 'Replace');
        watch.done.set(key, etag);
        return 'done';
      } catch (error) {
        const poisoned = receipt.attempts >= MAX_ATTEMPTS;
        const message = (error as Error).message ?? String(error);
        this.log(
          poisoned ? 'error' : 'warn',
          `Blob trigger ${watch.fn.name} failed (attempt ${receipt.attempts} of ${MAX_ATTEMPTS}): ${message}`,
        );
        await watch.receipts.upsertEntity(
          {
            ...receipt,
            etag: undefined,
            status: poisoned ? 'poisoned' : 'failed',
            leaseUntil: Date.now() + 500 * receipt.attempts,
            error: message.slice(0, 1000),
          },
          'Replace',
        );
        if (poisoned) {
          watch.done.set(key, etag);
          await watch.poison.createIfNotExists();
          await watch.poison.sendMessage(
            Buffer.from(
              JSON.stringify({
                Type: 'BlobTrigger',
                FunctionId: watch.fn.name,
                BlobType: 'BlockBlob',
                ContainerName: watch.container.containerName,
                BlobName: blobName,
                ETag: etag,
              }),
            ).toString('base64'),
          );
        }
        return poisoned ? 'poisoned' : 'failed';
      }
    } catch (error) {
      this.log('warn', `Blob trigger ${watch.fn.name}: ${(error as Error).message}`);
      return 'failed';
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  /** Takes the receipt for this blob version; 'done' if it was processed, undefined if someone holds it. */
  private async claim(watch: Watch, key: string, etag: string): Promise<Receipt | 'done' | undefined> {
    const pk = encodeKey(watch.fn.name);
    const now = Date.now();
    let existing: Receipt | undefined;
    try {
      existing = await watch.receipts.getEntity<Receipt>(pk, key);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
    if (!existing) {
      const receipt: Receipt = {
        partitionKey: pk,
        rowKey: key,
        blobEtag: etag,
        status: 'processing',
        attempts: 1,
        leaseUntil: now + LEASE_MS,
      };
      try {
        await watch.receipts.createEntity(receipt);
        return receipt;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 409) return undefined;
        throw error;
      }
    }
    const sameVersion = existing.blobEtag === etag;
    if (sameVersion && (existing.status === 'done' || existing.status === 'poisoned')) {
      watch.done.set(key, etag);
      return 'done';
    }
    if (sameVersion && existing.leaseUntil > now) return undefined; // in progress elsewhere, or backing off
    const receipt: Receipt = {
      partitionKey: pk,
      rowKey: key,
      blobEtag: etag,
      status: 'processing',
      attempts: sameVersion ? existing.attempts + 1 : 1,
      leaseUntil: now + LEASE_MS,
    };
    try {
      await watch.receipts.updateEntity(receipt, 'Replace', { etag: existing.etag });
      return receipt;
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409)) return undefined;
      throw error;
    }
  }
}

/** Listings report ETags bare, property reads quoted. */
function normalizeEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

function matchBlob(watch: Watch, name: string): Record<string, string> | undefined {
  const m = watch.pattern.exec(name);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const n of watch.names) params[n] = m.groups?.[n] ?? '';
  return params;
}

/** `{callId}/{index}.{ext}` -> a regex with named groups; the literal text before the first `{` is the listing prefix. */
export function compileBlobPattern(pattern: string): { regex: RegExp; names: string[]; prefix: string } {
  const names: string[] = [];
  let source = '^';
  let rest = pattern;
  const firstBrace = pattern.indexOf('{');
  const prefix = firstBrace < 0 ? pattern : pattern.slice(0, firstBrace);
  while (rest.length) {
    const open = rest.indexOf('{');
    if (open < 0) {
      source += escapeRegex(rest);
      break;
    }
    source += escapeRegex(rest.slice(0, open));
    const close = rest.indexOf('}', open);
    if (close < 0) throw new Error(`Blob path pattern "${pattern}" has an unclosed "{".`);
    const name = rest.slice(open + 1, close);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`Blob path pattern "${pattern}" has an invalid parameter "{${name}}".`);
    names.push(name);
    rest = rest.slice(close + 1);
    // The last parameter takes the rest of the name (sub-folders included), as in the Functions host.
    source += rest.length ? `(?<${name}>.+?)` : `(?<${name}>.+)`;
  }
  return { regex: new RegExp(`${source}$`), names, prefix };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
