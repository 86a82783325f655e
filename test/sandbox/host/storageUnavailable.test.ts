import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';

// Storage that accepts connections and never answers (as when two Azurite processes fight over one
// port): the host still starts, serves what needs no storage, and answers the rest 503 with Retry-After.
// Nothing waits on the storage for longer than HOST_STORAGE_TIMEOUT_MS.

const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

describe('the local host when its storage does not answer', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let host: HostProcess;

  before(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/devstoreaccount1`;
    host = await startHostProcess(fixture('host-app'), {
      AzureWebJobsStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint};QueueEndpoint=${endpoint};TableEndpoint=${endpoint};`,
      FIXTURE_TASKHUB: 'silentstorage',
      HOST_STORAGE_TIMEOUT_MS: '1000',
    });
  });
  after(async () => {
    await host?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('starts and serves an HTTP route that needs no storage', async () => {
    const response = await fetch(`${host.url}/api/greet/ada`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { greeting: string }).greeting, 'Hello ada');
    assert.match(host.output(), /storage \(AzureWebJobsStorage\) is not reachable/);
  });

  it('answers the Durable API 503 with Retry-After, naming the storage, instead of hanging', async () => {
    const response = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/some-order`, {
      headers: { 'x-functions-key': host.durableKey },
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.match(((await response.json()) as { error: string }).error, /AzureWebJobsStorage\) is not reachable/);
  });

  it('answers an HTTP function that uses the durable client 503 with Retry-After', async () => {
    const response = await fetch(`${host.url}/api/workflows/orderWorkflow/order-1`, {
      method: 'POST',
      body: JSON.stringify({ orderId: 'order-1' }),
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
  });
});
