import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';

// An unmodified app with the samples' Event Grid-sourced blob trigger, driven as Event Grid drives it: a
// BlobCreated event POSTed to the blob extension's webhook, with the function's qualified name.
describe("an Event Grid-sourced blob app in the samples' style", () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;
  let blobs: BlobServiceClient;

  before(async () => {
    azurite = await startAzurite();
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    await blobs.getContainerClient('samples-workitems').createIfNotExists();
    host = await startHostProcess(fixture('blob-eventgrid-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      MyStorageAccountAppSetting: azurite.connectionString,
    });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  const webhook = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/runtime/webhooks/blobs?functionName=Host.Functions.storageBlobTrigger1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification', ...headers },
      body: JSON.stringify(body),
    });

  it('loads, answers the subscription handshake and is invoked for a BlobCreated event', async () => {
    const handshake = await webhook(
      [
        {
          id: randomUUID(),
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          subject: '',
          data: { validationCode: 'blob-code' },
          eventTime: new Date().toISOString(),
          dataVersion: '1',
        },
      ],
      { 'aeg-event-type': 'SubscriptionValidation' },
    );
    assert.deepEqual(await handshake.json(), { validationResponse: 'blob-code' });

    const name = `report-${randomUUID()}.txt`;
    const source = blobs.getContainerClient('samples-workitems').getBlockBlobClient(name);
    await source.upload('quarterly figures', 17);
    const delivered = await webhook([
      {
        id: randomUUID(),
        topic: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
        subject: `/blobServices/default/containers/samples-workitems/blobs/${name}`,
        eventType: 'Microsoft.Storage.BlobCreated',
        eventTime: new Date().toISOString(),
        data: { api: 'PutBlob', url: source.url, contentLength: 17, blobType: 'BlockBlob' },
        dataVersion: '',
        metadataVersion: '1',
      },
    ]);
    assert.equal(delivered.status, 200);
    const copy = await blobs.getContainerClient('samples-processed').getBlockBlobClient(name).downloadToBuffer();
    assert.equal(copy.toString(), 'quarterly figures');
    assert.match(host.output(), /processed blob "report-.*" with size 17 bytes/);
  });
});
