import type { BlobServiceClient } from '@azure/storage-blob';
import type { SummaryDocument } from '../insights/summaryDocument';

// The blob layout of the insights pipeline (docs/architecture.md): recordings/, transcripts/, chat-exports/,
// summaries/, deadletter/. Writes are idempotent: the same input writes the same names, so a redelivered
// trigger overwrites with identical content instead of adding a second result.

export const Containers = {
  recordings: 'recordings',
  transcripts: 'transcripts',
  chatExports: 'chat-exports',
  summaries: 'summaries',
  deadletter: 'deadletter',
  /** WhatsApp media customers send, by conversation (functions/advancedMessageReceived.ts). */
  media: 'messaging-media',
} as const;

export class InsightsBlobs {
  private readonly created = new Set<string>();

  constructor(private readonly service: BlobServiceClient) {}

  async container(name: string) {
    const client = this.service.getContainerClient(name);
    if (!this.created.has(name)) {
      await client.createIfNotExists();
      this.created.add(name);
    }
    return client;
  }

  async putJson(container: string, name: string, value: unknown, metadata: Record<string, string> = {}): Promise<void> {
    const body = JSON.stringify(value, null, 2);
    await (
      await this.container(container)
    )
      .getBlockBlobClient(name)
      .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' }, metadata });
  }

  async putSummary(summary: SummaryDocument, markdown: string, source: string): Promise<void> {
    const container = await this.container(Containers.summaries);
    // Markdown first, JSON last: the JSON's presence means the summary is complete.
    await container.getBlockBlobClient(`${summary.id}.md`).upload(markdown, Buffer.byteLength(markdown), {
      blobHTTPHeaders: { blobContentType: 'text/markdown; charset=utf-8' },
    });
    await this.putJson(Containers.summaries, `${summary.id}.json`, summary, { source: encodeURIComponent(source) });
  }

  /** Records why an input can never be processed; the input stays where it is. */
  async deadLetter(source: string, reason: string, message: string, now = new Date()): Promise<void> {
    await this.putJson(Containers.deadletter, `${source}.json`, { source, reason, message, at: now.toISOString() });
  }

  async getText(container: string, name: string): Promise<string | undefined> {
    const blob = (await this.container(container)).getBlobClient(name);
    if (!(await blob.exists())) return undefined;
    return (await blob.downloadToBuffer()).toString('utf8');
  }
}
