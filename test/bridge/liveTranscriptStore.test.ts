import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { blobTranscriptStore, LiveTranscript } from '@switchboard/bridge/liveTranscript';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';

// A call's live transcript lands in transcripts/ once: nothing the bridge writes later, for that call or by
// anyone holding a stream for it, replaces what the insights pipeline has summarised.

describe('the live transcript store', () => {
  let azurite: AzuriteInstance;
  let blobs: BlobServiceClient;

  before(async () => {
    azurite = await startAzurite();
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(() => azurite?.stop());

  const transcript = (callId: string, said: string) => {
    const t = new LiveTranscript(callId);
    t.agent(said);
    return t.toConversation();
  };
  const read = async (name: string) =>
    JSON.parse((await blobs.getContainerClient('transcripts').getBlobClient(name).downloadToBuffer()).toString()) as {
      id: string;
      turns: { text: string }[];
    };

  it("never overwrites a call's transcript: a later one for the same call is written under a new name", async () => {
    const store = blobTranscriptStore(blobs);
    await store.save(transcript('call-once', 'Hello, how can I help?'));
    await store.save(transcript('call-once', 'Something else entirely.'));
    await store.save(transcript('call-once', 'And a third time.'));

    const first = await read('call-once.json');
    assert.equal(first.id, 'call-once');
    assert.equal(first.turns[0].text, 'Hello, how can I help?');
    const names: string[] = [];
    for await (const blob of blobs.getContainerClient('transcripts').listBlobsFlat({ prefix: 'call-once' }))
      names.push(blob.name);
    assert.deepEqual(names.sort(), ['call-once-live-2.json', 'call-once-live-3.json', 'call-once.json']);
    const second = await read('call-once-live-2.json');
    assert.equal(second.id, 'call-once-live-2', 'its own id, so its summary does not replace the first');
    assert.equal(second.turns[0].text, 'Something else entirely.');
  });
});
