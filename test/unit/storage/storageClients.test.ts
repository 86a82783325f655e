import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBlobServiceClient, createTableClient } from '../../../shared/storage/storageClients';
import { plainHttpAllowed } from '../../../shared/storage/plainHttpAllowed';
import { startAzurite, type AzuriteInstance } from '../../../sandbox/azurite';

const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

describe("the app's storage clients", () => {
  let azurite: AzuriteInstance;
  before(async () => {
    azurite = await startAzurite(); // plain http, on ports the OS picks (not the well-known 10000-10002)
  });
  after(() => azurite?.stop());

  it('write and read a table over a connection string that names http endpoints on other ports', async () => {
    assert.match(azurite.tableEndpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
    const table = createTableClient({ storage: { connectionString: azurite.connectionString } }, 'PlainHttp');
    await table.createTable();
    await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 'kept' });
    const entity = await table.getEntity<{ value: string }>('p', 'r');
    assert.equal(entity.value, 'kept');
  });

  it('write and read a blob over a connection string that names http endpoints on other ports', async () => {
    const blobs = createBlobServiceClient({ storage: { connectionString: azurite.connectionString } });
    const container = blobs.getContainerClient('plain-http');
    await container.createIfNotExists();
    await container.getBlockBlobClient('note.txt').upload('kept', 4);
    const text = (await container.getBlockBlobClient('note.txt').downloadToBuffer()).toString();
    assert.equal(text, 'kept');
  });
});

describe('plain http for storage', () => {
  const account = `AccountName=devstoreaccount1;AccountKey=${DEV_KEY}`;

  it('is allowed when the connection string names an http endpoint for the service, or http as the protocol', () => {
    assert.equal(plainHttpAllowed(`${account};TableEndpoint=http://azurite:10002/devstoreaccount1`, 'Table'), true);
    assert.equal(plainHttpAllowed(`DefaultEndpointsProtocol=http;${account}`, 'Table'), true);
    assert.equal(plainHttpAllowed('UseDevelopmentStorage=true', 'Table'), true);
  });

  it('is refused for https endpoints and Azure accounts, whatever another service names', () => {
    assert.equal(plainHttpAllowed(`${account};TableEndpoint=https://azurite:10002/devstoreaccount1`, 'Table'), false);
    assert.equal(
      plainHttpAllowed(`DefaultEndpointsProtocol=https;${account};EndpointSuffix=core.windows.net`, 'Table'),
      false,
    );
    assert.equal(
      plainHttpAllowed(
        `DefaultEndpointsProtocol=http;${account};TableEndpoint=https://x/devstoreaccount1;BlobEndpoint=http://x/a`,
        'Table',
      ),
      false,
    );
  });
});
