import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { durableApi, type OrderOutcome } from '../../support/durableApi';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';

// A durable timer that comes due while the host's table storage refuses connections: its firing must reach the
// orchestration once storage is back, as it would in Azure (where it is a queue message from the start), not be
// dropped with an error in the log and the orchestration left waiting for ever.

/** A TCP relay in front of Azurite's table endpoint that can be made to refuse (reset) every connection. */
async function switchableRelay(target: URL) {
  const open = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/devstoreaccount1`,
    refuse(): void {
      refusing = true;
      for (const socket of open) socket.destroy();
    },
    accept(): void {
      refusing = false;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('durable timers on the local host through a storage outage', () => {
  let azurite: AzuriteInstance;
  let relay: Awaited<ReturnType<typeof switchableRelay>>;
  let host: HostProcess;

  before(async () => {
    azurite = await startAzurite();
    relay = await switchableRelay(new URL(azurite.tableEndpoint));
    host = await startHostProcess(fixture('host-app'), {
      AzureWebJobsStorage: azurite.connectionString.replace(azurite.tableEndpoint, relay.endpoint),
      FIXTURE_TASKHUB: 'storageoutage',
      HOST_STORAGE_TIMEOUT_MS: '1000',
    });
  });
  after(async () => {
    await host?.stop();
    await relay?.close();
    await azurite?.stop();
  });

  it('delivers a timer that came due while storage refused connections, once storage is back', async () => {
    const api = durableApi(host);
    assert.equal(
      (
        await api.start('orderWorkflow', 'order-outage', {
          orderId: 'order-outage',
          sku: 'C3',
          quantity: 1,
          approvalTimeoutMs: 1_500,
        })
      ).status,
      202,
    );
    await api.waitForStep('order-outage', 'awaiting-approval');
    relay.refuse();
    // The timer fires during the outage and its delivery fails (the host says so), then storage comes back.
    await waitFor(() => /Could not deliver timer-\S+ to order-outage/.test(host.output()), {
      what: "the host to report the timer's failed delivery",
    });
    relay.accept();
    const done = await api.waitForEnd('order-outage', 30_000);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((done.output as OrderOutcome).status, 'timed-out');
  });
});
