import type { CallAutomationClient } from '@azure/communication-call-automation';
import { z } from 'zod';
import { ValidationError } from '@switchboard/core/errors';
import { callIdFor } from '../call/callIdFor';
import { Containers, type InsightsBlobs } from './insightsBlobs';

const chunkSchema = z
  .object({
    documentId: z.string().min(1),
    index: z.number().int().min(0),
    contentLocation: z.string().url(),
    deleteLocation: z.string().url().optional(),
  })
  .passthrough();
const recordingFileSchema = z
  .object({
    recordingStorageInfo: z.object({ recordingChunks: z.array(chunkSchema).min(1) }),
    recordingStartTime: z.string().optional(),
    recordingDurationMs: z.number().optional(),
    recordingContentType: z.string().optional(),
    recordingChannelType: z.string().optional(),
    recordingFormatType: z.string().optional(),
  })
  .passthrough();

export interface StoredChunk {
  name: string;
  skipped: boolean;
}

/**
 * Copies every chunk of a finished recording into `recordings/{callId}/{index}.{ext}`, streamed from ACS
 * to the blob (never whole in memory), with its metadata. A redelivered event finds the chunk already
 * there (same documentId) and skips it. The ACS copy is deleted only after the blob is committed.
 */
export async function storeRecording(
  subject: string,
  data: unknown,
  deps: { client: CallAutomationClient; blobs: InsightsBlobs; deleteSource: boolean },
): Promise<StoredChunk[]> {
  const parsed = recordingFileSchema.safeParse(data);
  if (!parsed.success)
    throw new ValidationError(
      `RecordingFileStatusUpdated is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  for (const chunk of parsed.data.recordingStorageInfo.recordingChunks) {
    for (const field of ['contentLocation', 'deleteLocation'] as const) {
      const location = chunk[field];
      if (location !== undefined && !isAcsRecordingUrl(location))
        throw new ValidationError(
          `RecordingFileStatusUpdated chunk ${chunk.index} ${field} is not an ACS recording URL.`,
        );
    }
  }
  const serverCallId = /\/serverCallId\/([^/]+)/.exec(subject)?.[1];
  if (!serverCallId) throw new ValidationError('RecordingFileStatusUpdated subject has no serverCallId.');
  const callId = callIdFor(decodeURIComponent(serverCallId));
  const info = parsed.data;
  const ext = (info.recordingFormatType ?? 'wav').toLowerCase();
  const container = await deps.blobs.container(Containers.recordings);
  const recording = deps.client.getCallRecording();
  const stored: StoredChunk[] = [];
  for (const chunk of info.recordingStorageInfo.recordingChunks) {
    const name = `${callId}/${chunk.index}.${ext}`;
    const blob = container.getBlockBlobClient(name);
    const existing = await blob.getProperties().catch(() => undefined);
    if (existing?.metadata?.documentid === chunk.documentId) {
      stored.push({ name, skipped: true });
      continue;
    }
    const audio = await recording.downloadStreaming(chunk.contentLocation);
    await blob.uploadStream(audio as import('node:stream').Readable, 4 * 1024 * 1024, 4, {
      blobHTTPHeaders: {
        blobContentType: ext === 'wav' ? 'audio/wav' : ext === 'mp3' ? 'audio/mpeg' : 'application/octet-stream',
      },
      metadata: {
        callid: callId,
        documentid: chunk.documentId,
        chunkindex: String(chunk.index),
        starttime: info.recordingStartTime ?? '',
        durationms: String(info.recordingDurationMs ?? ''),
        contenttype: info.recordingContentType ?? '',
        channeltype: info.recordingChannelType ?? '',
        formattype: info.recordingFormatType ?? '',
      },
    });
    if (deps.deleteSource && chunk.deleteLocation) await recording.delete(chunk.deleteLocation);
    stored.push({ name, skipped: false });
  }
  return stored;
}

/** ACS serves recordings over HTTPS from its media storage hosts only; anything else is not from ACS. */
function isAcsRecordingUrl(location: string): boolean {
  const url = new URL(location);
  return url.protocol === 'https:' && /\.(asm\.skype\.com|teams\.microsoft\.com)$/i.test(url.hostname);
}
