import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';

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

  constructor(private readonly service: BlobServiceClient) {}

  /**
   * What an Event Grid function does with a poison event: log the reason, then record it. Recording is best
   * effort: the event is dropped either way, since a redelivery would fail the same way.
   */
  dropper(
    handler: string,
    event: { id: string; eventType: string },
    warn: (message: string, properties: Record<string, string>) => void,
  ): (reason: string) => Promise<void> {
    return async (reason) => {
      warn('event dropped: it can never be handled', { handler, reason, eventId: event.id });
      await this.add({ handler, eventId: event.id, eventType: event.eventType, reason }).catch(() =>
        warn('dead letter not recorded', { handler, eventId: event.id }),
      );
    };
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
