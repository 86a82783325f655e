import { Agent, globalAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { BlobServiceClient } from '@azure/storage-blob';
import {
  EventGridPublisher,
  type EventGridEvent,
  type Subscription,
} from '@switchboard/acs-emulator/eventGrid/eventGridPublisher';
import { Scheduler } from '@switchboard/acs-emulator/scheduler';
import { Timeline } from '@switchboard/acs-emulator/timeline';

// Azurite raises no Event Grid events, Azure Storage does: this is the storage account's system topic in
// the sandbox. It watches the subscribed containers and publishes Microsoft.Storage.BlobCreated for each
// new blob version, through the same Event Grid delivery as the ACS emulator (handshake, retries,
// subject filter), and dead-letters what a subscription gives up on into the `deadletter` container.

export interface StorageEventsOptions {
  /** Azurite's connection string. */
  connectionString: string;
  /** Trust this CA (PEM) for Azurite's HTTPS in this process. */
  caPem?: string;
  pollMs?: number;
  retryDelaysMs?: number[];
  maxDeliveryAttempts?: number;
  deadLetterContainer?: string;
}

export interface BlobSubscription {
  endpoint: string;
  container: string;
  maxDeliveryAttempts?: number;
}

export interface StorageEvents {
  readonly topic: string;
  readonly timeline: Timeline;
  subscribe(subscription: BlobSubscription): Promise<Subscription>;
  /** One look at every subscribed container (also runs on a timer). */
  scan(): Promise<void>;
  close(): void;
}

const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

export function startStorageEvents(options: StorageEventsOptions): StorageEvents {
  if (options.caPem) {
    // The Storage SDK takes no CA option: trust the sandbox CA on the default agent of this process only. The
    // SDK's HTTP client uses that agent only for requests without keep-alive (it makes its own agents otherwise),
    // so this costs a TLS handshake per poll.
    (globalAgent as Agent & { options: { ca?: string[] } }).options.ca = [...rootCertificates, options.caPem];
  }
  const service = BlobServiceClient.fromConnectionString(
    options.connectionString,
    options.caPem ? { keepAliveOptions: { enable: false } } : {},
  );
  const account = service.accountName;
  const topic = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox/providers/Microsoft.Storage/storageAccounts/${account}`;
  const timeline = new Timeline(2000);
  const scheduler = new Scheduler(1, (error) => console.error(`storage events: ${String(error)}`));
  const deadLetter = service.getContainerClient(options.deadLetterContainer ?? 'deadletter');
  const publisher = new EventGridPublisher(
    {
      topic,
      timeoutMs: 30_000,
      retryDelaysMs: options.retryDelaysMs ?? [250, 1000, 5000, 10_000, 30_000],
      maxDeliveryAttempts: options.maxDeliveryAttempts ?? 30,
      duplicateIncomingCallWhenUnfiltered: false,
      onDropped: (subscription, event, lastError) => writeDeadLetter(subscription, event, lastError),
    },
    scheduler,
    timeline,
  );
  // Event Grid's dead-letter blob: the event plus why it was dropped, under {topic}/{subscription}/date.
  async function writeDeadLetter(subscription: Subscription, event: EventGridEvent, lastError: string) {
    await deadLetter.createIfNotExists();
    const stamp = new Date().toISOString().slice(0, 13).replace(/[-T]/g, '/');
    const body = JSON.stringify([{ ...event, deadLetterReason: 'MaxDeliveryAttemptsExceeded', lastError }]);
    await deadLetter
      .getBlockBlobClient(`${account}/${subscription.id.toUpperCase()}/${stamp}/${event.id}.json`)
      .upload(body, Buffer.byteLength(body));
  }

  const seen = new Map<string, Map<string, string>>(); // container -> blob name -> last published ETag
  let sequencer = 0;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let closed = false;

  // Containers made once, not on every 250 ms scan: each create is a storage request that competes with calls.
  const created = new Set<string>();
  async function snapshot(container: string): Promise<Map<string, string>> {
    const versions = new Map<string, string>();
    const client = service.getContainerClient(container);
    if (!created.has(container)) {
      await client.createIfNotExists();
      created.add(container);
    }
    try {
      for await (const blob of client.listBlobsFlat()) versions.set(blob.name, blob.properties.etag ?? '');
    } catch (error) {
      // Deleted from outside (a test, Storage Explorer): make it again on the next scan.
      if ((error as { statusCode?: number }).statusCode === 404) created.delete(container);
      throw error;
    }
    return versions;
  }

  async function scanOnce(): Promise<void> {
    for (const [container, versions] of seen) {
      const current = await snapshot(container);
      for (const [name, etag] of current) {
        if (versions.get(name) === etag) continue;
        versions.set(name, etag);
        const props = await service.getContainerClient(container).getBlobClient(name).getProperties();
        publisher.publish(
          BLOB_CREATED,
          `/blobServices/default/containers/${container}/blobs/${name}`,
          {
            api: 'PutBlob',
            requestId: props.requestId,
            eTag: etag,
            contentType: props.contentType,
            contentLength: props.contentLength,
            blobType: 'BlockBlob',
            url: service.getContainerClient(container).getBlobClient(name).url,
            sequencer: (++sequencer).toString(16).padStart(32, '0'),
            storageDiagnostics: { batchId: '00000000-0000-0000-0000-000000000000' },
          },
          '',
        );
      }
    }
  }

  const scan = (): Promise<void> => {
    scanning ??= scanOnce().finally(() => (scanning = undefined));
    return scanning;
  };
  const tick = (): void => {
    if (closed) return;
    timer = setTimeout(() => {
      scan()
        .catch((error: Error) => timeline.add({ kind: 'eventGrid', type: 'scan-failed', data: error.message }))
        .finally(tick);
    }, options.pollMs ?? 250);
    timer.unref();
  };
  tick();

  return {
    topic,
    timeline,
    async subscribe(subscription) {
      // Like Event Grid, only blobs written after the subscription exists raise events.
      if (!seen.has(subscription.container)) seen.set(subscription.container, await snapshot(subscription.container));
      return publisher.add({
        endpoint: subscription.endpoint,
        eventTypes: [BLOB_CREATED],
        subjectBeginsWith: `/blobServices/default/containers/${subscription.container}/blobs/`,
        maxDeliveryAttempts: subscription.maxDeliveryAttempts,
      });
    },
    scan,
    close() {
      closed = true;
      clearTimeout(timer);
      scheduler.close();
    },
  };
}
