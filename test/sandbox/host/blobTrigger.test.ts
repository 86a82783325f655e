import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';
import { countRecords } from '../../support/blobCounts';

describe('blob triggers on the local host', () => {
  let azurite: AzuriteInstance;
  let uploads: ContainerClient;
  const hosts: HostProcess[] = [];
  const env = () => ({ AzureWebJobsStorage: azurite.connectionString, FIXTURE_TASKHUB: `blobs${hosts.length}` });
  const upload = (name: string, text: string) => uploads.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  const processed = (name: string) => countRecords(azurite.connectionString, 'processed', name);

  before(async () => {
    azurite = await startAzurite();
    uploads = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('uploads');
    await uploads.createIfNotExists();
    hosts.push(await startHostProcess(fixture('host-app'), env()));
  });
  after(async () => {
    for (const host of hosts) await host.stop();
    await azurite?.stop();
  });

  it('runs the function once for a new blob, binding {name} from the path', async () => {
    await upload('first.txt', 'hello');
    await waitFor(() => processed('first.txt'), { what: 'first.txt to be processed' });
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('processed');
    for await (const blob of client.listBlobsFlat({ prefix: 'first.txt/' })) {
      const record = JSON.parse((await client.getBlobClient(blob.name).downloadToBuffer()).toString()) as unknown;
      assert.deepEqual(record, { text: 'HELLO', path: 'uploads/first.txt' });
    }
    assert.equal(await processed('first.txt'), 1);
  });

  it('processes an overwritten blob again, as a new version', async () => {
    await upload('versioned.txt', 'one');
    await waitFor(() => processed('versioned.txt'), { what: 'version 1' });
    await upload('versioned.txt', 'two');
    await waitFor(async () => (await processed('versioned.txt')) === 2, { what: 'version 2' });
  });

  it('does not process a blob version again after the host restarts', async () => {
    await upload('before-restart.txt', 'kept');
    await waitFor(() => processed('before-restart.txt'), { what: 'the blob before the restart' });
    await hosts.pop()!.stop();
    hosts.push(await startHostProcess(fixture('host-app'), env()));
    // A blob written after the restart proves the new host has scanned the container.
    await upload('after-restart.txt', 'new');
    await waitFor(() => processed('after-restart.txt'), { what: 'the blob after the restart' });
    assert.equal(await processed('before-restart.txt'), 1);
  });

  it('lets two hosts on one storage account process each blob version exactly once', async () => {
    hosts.push(await startHostProcess(fixture('host-app'), env()));
    const names = Array.from({ length: 12 }, (_, i) => `shared-${i}.txt`);
    await Promise.all(names.map((name) => upload(name, name)));
    for (const name of names) await waitFor(() => processed(name), { what: name });
    await upload('shared-marker.txt', 'marker');
    await waitFor(() => processed('shared-marker.txt'), { what: 'the marker' });
    for (const name of names) assert.equal(await processed(name), 1, `${name} was processed more than once`);
  });

  it('retries a failing blob five times, then reports it on the poison queue and carries on', async () => {
    await upload('bad.txt', 'poison pill');
    await upload('good.txt', 'fine');
    await waitFor(() => processed('good.txt'), { what: 'the good blob' });
    const poison = new QueueClient(azurite.connectionString, 'webjobs-blobtrigger-poison');
    const message = await waitFor(
      async () => {
        if (!(await poison.exists())) return undefined;
        const peeked = await poison.peekMessages({ numberOfMessages: 32 });
        return peeked.peekedMessageItems
          .map(
            (m) =>
              JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as {
                BlobName?: string;
                ContainerName?: string;
                FunctionId?: string;
              },
          )
          .find((m) => m.BlobName === 'bad.txt');
      },
      { what: 'the poison message', timeoutMs: 30_000 },
    );
    assert.equal(message.ContainerName, 'uploads');
    assert.equal(message.FunctionId, 'onUpload');
    assert.equal(await processed('bad.txt'), 0);
  });
});
