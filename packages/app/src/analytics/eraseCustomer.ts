import type { ContainerClient } from '@azure/storage-blob';
import { chatConversationId } from '../insights/conversationFromChatExport';
import { conversationKey } from '../messaging/conversationStore';
import { Containers } from '../summaries/insightsBlobs';
import type { ConversationAnalytics } from './conversationAnalytics';
import { customerHash, normaliseCustomerAddress } from './customerHash';

// The right to erasure: every conversation of one customer, found by the hash of their address, is removed
// wherever the app stored it: annotations and the customer index, summaries, transcripts, recordings, chat
// exports, WhatsApp media, dead letters, the live conversation row and the call's orchestration history.
// Rollups keep their counts: they hold no identity and cannot be traced back to anyone.

export interface ErasureDeps {
  analytics: ConversationAnalytics;
  salt: string;
  container(name: string): Promise<ContainerClient>;
  /** Deletes a live messaging conversation row (ConversationStore.erase). */
  eraseConversationState(key: string): Promise<void>;
  /** Purges a call's orchestration history (it holds the caller's number). */
  purgeCall(callId: string): Promise<void>;
}

export interface ErasureReport {
  conversations: number;
  blobsDeleted: number;
}

async function deleteBlobs(
  container: ContainerClient,
  prefix: string,
  keep: (name: string) => boolean,
): Promise<number> {
  let deleted = 0;
  for await (const blob of container.listBlobsFlat({ prefix })) {
    if (!keep(blob.name)) continue;
    if ((await container.deleteBlob(blob.name, { deleteSnapshots: 'include' }).catch(() => undefined)) !== undefined)
      deleted += 1;
  }
  return deleted;
}

/** Names that belong to conversation `id`: `{id}.json`, `{id}.md`, `{id}-{n}.json`, `{id}/...`, `{id}.json.json`. */
function ownedBy(id: string): (name: string) => boolean {
  const rest = (name: string) => name.slice(id.length);
  return (name) =>
    name.startsWith(id) && /^(?:\.json|\.md|-\d+\.json|\/.*|\.json\.json|-\d+\.json\.json)?$/.test(rest(name));
}

export async function eraseCustomer(address: string, deps: ErasureDeps): Promise<ErasureReport> {
  const normalised = normaliseCustomerAddress(address);
  const hash = customerHash(normalised, deps.salt);
  const ids = (await deps.analytics.annotations.conversationsOf(hash)).map((a) => a.conversationId);
  let blobsDeleted = 0;
  const containers = {
    summaries: await deps.container(Containers.summaries),
    transcripts: await deps.container(Containers.transcripts),
    recordings: await deps.container(Containers.recordings),
    chatExports: await deps.container(Containers.chatExports),
    deadletter: await deps.container(Containers.deadletter),
    media: await deps.container(Containers.media),
  };
  for (const id of ids) {
    const annotation = await deps.analytics.annotations.end(id);
    const names = [id];
    if (annotation?.channel === 'chat' && annotation.address) names.push(chatConversationId(annotation.address));
    for (const name of names) {
      const owned = ownedBy(name);
      blobsDeleted += await deleteBlobs(containers.summaries, name, owned);
      blobsDeleted += await deleteBlobs(containers.transcripts, name, owned);
      blobsDeleted += await deleteBlobs(containers.recordings, `${name}/`, () => true);
      blobsDeleted += await deleteBlobs(containers.chatExports, name, owned);
      for (const source of [Containers.transcripts, Containers.recordings, Containers.chatExports])
        blobsDeleted += await deleteBlobs(containers.deadletter, `${source}/${name}`, (n) =>
          ownedBy(`${source}/${name}`)(n),
        );
    }
    if (annotation && annotation.channel !== 'call' && annotation.address) {
      const key = conversationKey(annotation.channel, normalised, annotation.address);
      await deps.eraseConversationState(key);
      if (annotation.channel === 'whatsapp')
        blobsDeleted += await deleteBlobs(containers.media, `${key.slice(0, 16)}/`, () => true);
    }
    if (annotation?.channel === 'call') await deps.purgeCall(id);
    if (annotation) await deps.analytics.rollups.forget(id, new Date(annotation.startedAt));
    await deps.analytics.annotations.delete(id, hash, annotation?.startedAt);
  }
  return { conversations: ids.length, blobsDeleted };
}
