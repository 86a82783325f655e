import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startStorageEvents, type StorageEvents } from '@switchboard/sandbox/storageEvents';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';
import { countRecords } from '../../support/blobCounts';

describe('Event Grid-based blob triggers on the local host', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;
  let events: StorageEvents;
  let uploads: ContainerClient;
  const webhook = (name = 'onEventUpload') => `${host.url}/runtime/webhooks/blobs?functionName=Host.Functions.${name}`;
  const upload = (name: string, text: string) => uploads.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  const processed = (name: string) => countRecords(azurite.connectionString, 'processed-events', name);
  const blobCreated = (name: string) => ({
    id: `redelivery-${name}`,
    topic: events.topic,
    subject: `/blobServices/default/containers/event-uploads/blobs/${name}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    dataVersion: '',
    metadataVersion: '1',
    data: { api: 'PutBlob', blobType: 'BlockBlob', url: uploads.getBlobClient(name).url },
  });
  const deliver = (body: unknown, name?: string) =>
    fetch(webhook(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify(body),
    });

  before(async () => {
    azurite = await startAzurite();
    uploads = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('event-uploads');
    await uploads.createIfNotExists();
    host = await startHostProcess(fixture('host-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      FIXTURE_TASKHUB: 'blobevents',
    });
    events = startStorageEvents({ connectionString: azurite.connectionString, retryDelaysMs: [50] });
  });
  after(async () => {
    events?.close();
    await host?.stop();
    await azurite?.stop();
  });

  it('answers the Event Grid validation handshake on the blob extension webhook', async () => {
    const before = await upload('before-subscription.txt', 'never announced');
    assert.ok(before.etag);
    const subscription = await events.subscribe({ endpoint: webhook(), container: 'event-uploads' });
    assert.equal(subscription.validated, true);
  });

  it('runs the function for a blob written to Azurite, through a published BlobCreated event', async () => {
    await upload('first.txt', 'hello');
    await waitFor(() => processed('first.txt'), { what: 'first.txt to be processed' });
    assert.equal(await processed('first.txt'), 1);
  });

  it('never scans the container: a blob that raised no event is not processed', async () => {
    // before-subscription.txt was written before the subscription existed, so no event was raised for it.
    await upload('marker.txt', 'marker');
    await waitFor(() => processed('marker.txt'), { what: 'the marker' });
    assert.equal(await processed('before-subscription.txt'), 0);
  });

  it('processes a blob version exactly once when Event Grid delivers its event again', async () => {
    await upload('twice.txt', 'once only');
    await waitFor(() => processed('twice.txt'), { what: 'twice.txt' });
    const again = await deliver([blobCreated('twice.txt'), blobCreated('twice.txt')]);
    assert.equal(again.status, 200);
    assert.equal(await processed('twice.txt'), 1);
  });

  it('answers 5xx for a failing blob so Event Grid delivers it again, and 200 for a blob that is gone', async () => {
    const failing = await deliver([blobCreated('missing-then-poison.txt')]);
    assert.equal(failing.status, 200, 'a blob that does not exist is nothing to do');
    await upload('poison.txt', 'poison pill');
    const first = await deliver([blobCreated('poison.txt')]);
    assert.equal(first.status, 503);
    const body = (await first.json()) as { error: string };
    assert.match(body.error, /not processed yet in onEventUpload/);
  });

  it('refuses a BlobCreated event whose blob name climbs out of the container, with a 400 naming it', async () => {
    const bySubject = { ...blobCreated('x'), subject: '/blobServices/default/containers/event-uploads/blobs/../../x' };
    const byUrl = {
      ...blobCreated('x'),
      subject: '',
      data: { url: `${uploads.url}/%2e%2e%2f%2e%2e%2fsecret.txt` },
    };
    for (const event of [bySubject, byUrl]) {
      const response = await deliver([event]);
      assert.equal(response.status, 400, JSON.stringify(event));
      assert.match(((await response.json()) as { error: string }).error, /blob name .*"\.\."/);
    }
  });

  it('refuses malformed deliveries with a clear 4xx', async () => {
    assert.equal((await deliver([blobCreated('x')], 'noSuchFunction')).status, 404);
    const badName = await fetch(`${host.url}/runtime/webhooks/blobs?functionName=onEventUpload`, {
      method: 'POST',
      body: '[]',
    });
    assert.equal(badName.status, 400);
    assert.match(((await badName.json()) as { error: string }).error, /Host\.Functions\./);
    const notJson = await fetch(webhook(), { method: 'POST', body: '{oops' });
    assert.equal(notJson.status, 400);
    assert.equal((await deliver([{ id: '1' }])).status, 400);
  });
});
