import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { STORAGE_MAX_SOCKETS } from '@switchboard/core/storage/storageHttpAgent';
import { createBlobServiceClient, createTableClient } from '@switchboard/core/storage/storageClients';
import { plainHttpAllowed } from '@switchboard/core/storage/plainHttpAllowed';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';

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

  it('share one kept-alive pool of a bounded size across table clients, and every write lands', async () => {
    // A relay in front of Azurite's table endpoint counts the connections the app opens.
    const target = new URL(azurite.tableEndpoint);
    let connections = 0;
    const relay: Server = createServer((socket) => {
      connections++;
      const upstream = connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const relayed = `http://127.0.0.1:${(relay.address() as AddressInfo).port}${target.pathname}`;
      const connectionString = azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${relayed}`);
      const tables = ['PooledA', 'PooledB'].map((name) => createTableClient({ storage: { connectionString } }, name));
      await Promise.all(tables.map((t) => t.createTable()));
      const writes = STORAGE_MAX_SOCKETS * 2;
      await Promise.all(
        tables.flatMap((t) =>
          Array.from({ length: writes }, (_, i) => t.upsertEntity({ partitionKey: 'p', rowKey: `r${i}`, i })),
        ),
      );
      for (const t of tables) {
        let rows = 0;
        for await (const _ of t.listEntities()) rows++;
        assert.equal(rows, writes, 'every write is stored');
      }
      assert.ok(
        connections <= STORAGE_MAX_SOCKETS,
        `${writes * 2} concurrent writes opened ${connections} connections (at most ${STORAGE_MAX_SOCKETS} expected)`,
      );
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
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
