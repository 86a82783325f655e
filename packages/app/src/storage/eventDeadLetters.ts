import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';

/** Dead letters written at once, and at most waiting (a flood beyond that is logged, not recorded). */
const CONCURRENT_WRITES = 8;
const MAX_WAITING = 10_000;

export interface DeadLetteredEvent {
  /** The function that gave up on it. */
  handler: string;
  eventId: string;
  eventType: string;
  /** Why it can never be handled (safe to log: no phone numbers, digits or transcripts). */
  reason: string;
}

/**
 * Events answered as handled although they could not be, kept in `deadletter/events/{handler}/{eventId}.json`
 * so an operator can see what was dropped and why. Only the event's identity and the reason are kept, not its
 * data (which carries phone numbers). The same event dead-lettered twice writes the same blob.
 */
export class EventDeadLetters {
  private container?: Promise<ContainerClient>;
  private readonly waiting: (() => Promise<void>)[] = [];
  private writing = 0;

  constructor(private readonly service: BlobServiceClient) {}

  /**
   * What an Event Grid function does with a poison event: log the reason, then record it. Recording is best
   * effort and written behind: the event is dropped either way (a redelivery would fail the same way), and a
   * batch of a thousand poison events must be answered well inside Event Grid's 30 s, which a blob write per
   * event in turn (25-35 ms each on the loaded sandbox) was not.
   */
  dropper(
    handler: string,
    event: { id: string; eventType: string },
    warn: (message: string, properties: Record<string, string>) => void,
  ): (reason: string) => Promise<void> {
    return (reason) => {
      warn('event dropped: it can never be handled', { handler, reason, eventId: event.id });
      const notRecorded = () => warn('dead letter not recorded', { handler, eventId: event.id });
      if (this.waiting.length >= MAX_WAITING) notRecorded();
      else {
        this.waiting.push(() =>
          this.add({ handler, eventId: event.id, eventType: event.eventType, reason }).catch(notRecorded),
        );
        this.pump();
      }
      return Promise.resolve();
    };
  }

  private pump(): void {
    while (this.writing < CONCURRENT_WRITES && this.waiting.length) {
      const write = this.waiting.shift()!;
      this.writing += 1;
      void write().finally(() => {
        this.writing -= 1;
        this.pump();
      });
    }
  }

  async add(letter: DeadLetteredEvent, now = new Date()): Promise<void> {
    this.container ??= (async () => {
      const client = this.service.getContainerClient('deadletter');
      await client.createIfNotExists();
      return client;
    })().catch((error: unknown) => {
      this.container = undefined;
      throw error;
    });
    const body = JSON.stringify({ ...letter, at: now.toISOString() }, null, 2);
    await (
      await this.container
    )
      .getBlockBlobClient(`events/${letter.handler}/${encodeURIComponent(letter.eventId)}.json`)
      .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }
}
