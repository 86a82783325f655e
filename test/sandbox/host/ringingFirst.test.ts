import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';
import { durableApi } from '../../support/durableApi';

/** A server that notes every request it gets, in order, and answers each only when the test releases it. */
function holdingServer() {
  const log: string[] = [];
  const arrivedAt = new Map<string, number>();
  const held = new Map<string, ServerResponse>();
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    log.push(`arrived ${name}`);
    arrivedAt.set(name, Date.now());
    held.set(name, res);
  });
  return {
    log,
    at: (name: string) => arrivedAt.get(name) ?? NaN,
    arrived: (prefix: string) => log.filter((entry) => entry.startsWith(`arrived ${prefix}`)).map((e) => e.slice(8)),
    release(name: string) {
      log.push(`released ${name}`);
      held.get(name)?.end(name);
    },
    releaseAll: () => [...held.keys()].forEach((name) => held.get(name)?.end(name)),
    url: async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the local host answering ringing calls before HTTP triggers', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;
  let holder: ReturnType<typeof holdingServer>;
  let holdUrl: string;

  before(async () => {
    holder = holdingServer();
    holdUrl = await holder.url();
    azurite = await startAzurite();
    host = await startHostProcess(fixture('priority-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      FIXTURE_TASKHUB: 'ringingfirst',
    });
  });
  after(async () => {
    holder.releaseAll();
    await host?.stop();
    await azurite?.stop();
    await holder.close();
  });

  const work = (name: string) =>
    fetch(`${host.url}/api/work?holdUrl=${encodeURIComponent(`${holdUrl}/${name}`)}`).then((r) => r.text());
  const ring = (name: string, start?: { instanceId: string; activity: string }) =>
    fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=ring`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify([
        {
          id: name,
          eventType: 'Test.Ring',
          subject: 'call',
          eventTime: new Date().toISOString(),
          dataVersion: '1',
          data: {
            holdUrl: `${holdUrl}/${name}`,
            instanceId: start?.instanceId,
            activityHoldUrl: start && `${holdUrl}/${start.activity}`,
          },
        },
      ]),
    });

  it('holds HTTP triggers while an Event Grid delivery is in progress, and starts them after two seconds at most', async () => {
    const ringing = ring('ring-1');
    await waitFor(() => holder.arrived('ring-1').length === 1, { what: 'the Event Grid delivery to run' });
    const sent = Date.now();
    const works = ['work-a', 'work-b', 'work-c'].map(work);
    await waitFor(() => holder.arrived('work-').length === 3, { what: 'the HTTP triggers to run', timeoutMs: 10_000 });
    const waited = Math.min(...holder.arrived('work-').map((name) => holder.at(name))) - sent;
    assert.ok(
      waited >= 1_500,
      `the HTTP triggers waited for the ringing call (${waited} ms): ${holder.log.join(', ')}`,
    );
    assert.ok(!holder.log.includes('released ring-1'), 'and started while it was still in progress, held no longer');
    holder.releaseAll();
    assert.deepEqual((await Promise.all(works)).sort(), ['work-a', 'work-b', 'work-c']);
    assert.equal((await ringing).status, 200);
  });

  it('starts an orchestration at once while a call rings, and runs its first step once the call is answered', async () => {
    const status = async () =>
      (
        (await (await durableApi(host).fetch('instances/late-1')).json()) as {
          runtimeStatus: string;
        }
      ).runtimeStatus;
    const ringing = ring('ring-2', { instanceId: 'late-1', activity: 'activity-1' });
    await waitFor(() => holder.arrived('ring-2').length === 1, { what: 'the delivery to start the orchestration' });
    assert.equal(await status(), 'Pending', 'created, its first episode waiting behind the ringing call');
    holder.release('ring-2');
    assert.equal((await ringing).status, 200);
    await waitFor(() => holder.arrived('activity-1').length === 1, { what: "the orchestration's activity" });
    holder.releaseAll();
    await waitFor(async () => (await status()) === 'Completed', { what: 'the orchestration to complete' });
  });

  it('runs HTTP triggers all at once when no Event Grid delivery is in progress', async () => {
    const works = ['free-a', 'free-b', 'free-c'].map(work);
    await waitFor(() => holder.arrived('free-').length === 3, { what: 'all three HTTP triggers to run' });
    holder.releaseAll();
    assert.deepEqual((await Promise.all(works)).sort(), ['free-a', 'free-b', 'free-c']);
  });
});
