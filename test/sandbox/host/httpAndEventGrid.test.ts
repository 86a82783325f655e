import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';
import { waitFor } from '../../support/waitFor';

interface Status {
  runtimeStatus: string;
  customStatus?: { step?: string };
  output: { status: string; charged: { approver: string } };
}

describe('the local host serving HTTP and Event Grid triggers', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;

  before(async () => {
    azurite = await startAzurite();
    host = await startHostProcess(fixture('host-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      FIXTURE_TASKHUB: 'httpeg',
    });
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  const eventGrid = (body: unknown, fn = 'onEvent') =>
    fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const event = (id: string, eventType: string, data: unknown = {}) => ({
    id,
    eventType,
    subject: 'test',
    data,
    eventTime: new Date().toISOString(),
    dataVersion: '1.0',
  });

  it('serves an HTTP trigger at its route template with path parameters, query and body', async () => {
    const get = await fetch(`${host.url}/api/greet/Ada?lang=en`);
    assert.equal(get.status, 200);
    assert.deepEqual(await get.json(), { greeting: 'Hello Ada', lang: 'en' });
    const post = await fetch(`${host.url}/api/greet/Grace`, { method: 'POST', body: 'hi there' });
    assert.deepEqual(await post.json(), { greeting: 'Hello Grace', lang: null, body: 'hi there' });
  });

  it('answers 404 naming the path when no function matches, and 405 for a method the function does not take', async () => {
    const missing = await fetch(`${host.url}/api/nothing/here`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /\/api\/nothing\/here/);
    const wrongMethod = await fetch(`${host.url}/api/greet/Ada`, { method: 'DELETE' });
    assert.equal(wrongMethod.status, 405);
  });

  it('answers 400 naming the problem for a path whose percent-encoding is not UTF-8, as the real host does', async () => {
    for (const bad of ['/api/greet/%C0%AF', '/api/greet/%ff%fe', '/runtime/webhooks/durabletask/instances/%ff%fe']) {
      const response = await fetch(`${host.url}${bad}`);
      assert.equal(response.status, 400, bad);
      const { error } = (await response.json()) as { error: string };
      assert.match(error, /percent-encod/, bad);
      assert.doesNotMatch(error, /URI malformed/, bad);
    }
    assert.equal((await fetch(`${host.url}/api/greet/caf%C3%A9`)).status, 200, 'well-formed UTF-8 still passes');
  });

  it('answers 500 when a function throws and keeps serving the next request', async () => {
    const failed = await fetch(`${host.url}/api/explode`);
    assert.equal(failed.status, 500);
    const next = await fetch(`${host.url}/api/greet/again`);
    assert.equal(next.status, 200);
  });

  it('answers the Event Grid subscription validation handshake with the validation code', async () => {
    const response = await eventGrid([
      {
        id: 'v1',
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        subject: '',
        data: { validationCode: 'code-123', validationUrl: 'https://example.invalid' },
        eventTime: new Date().toISOString(),
        dataVersion: '1',
      },
    ]);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { validationResponse: 'code-123' });
  });

  it('delivers every event of an Event Grid batch to the function', async () => {
    const response = await eventGrid([
      event('batch-1', 'Test.Note'),
      event('batch-2', 'Test.Note'),
      event('batch-3', 'Test.Note'),
    ]);
    assert.equal(response.status, 200);
    const log = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('event-log');
    const names: string[] = [];
    for await (const blob of log.listBlobsFlat({ prefix: 'batch-' })) names.push(blob.name.split('/')[0]);
    assert.deepEqual(names.sort(), ['batch-1', 'batch-2', 'batch-3']);
  });

  it('refuses malformed Event Grid deliveries with 400 naming what is wrong', async () => {
    const notJson = await eventGrid('{not json');
    assert.equal(notJson.status, 400);
    assert.match(((await notJson.json()) as { error: string }).error, /not valid JSON/);
    const notEvents = await eventGrid([{ hello: 'world' }]);
    assert.equal(notEvents.status, 400);
    assert.match(((await notEvents.json()) as { error: string }).error, /Event 0 .*"id"/);
    const unknown = await eventGrid([event('x', 'Test.Note')], 'noSuchFunction');
    assert.equal(unknown.status, 404);
  });

  it('answers 500 when the function fails on an event, so Event Grid delivers it again', async () => {
    const response = await eventGrid([event('fail-1', 'Test.Fail')]);
    assert.equal(response.status, 500);
  });

  it('lets an Event Grid function raise an event to an orchestration through the durable client', async () => {
    const start = await fetch(`${host.url}/api/workflows/orderWorkflow/eg-order`, {
      method: 'POST',
      body: JSON.stringify({ orderId: 'eg-order', sku: 'A1', quantity: 1, approvalTimeoutMs: 60_000 }),
    });
    assert.equal(start.status, 202);
    const statusUrl = ((await start.json()) as { statusQueryGetUri: string }).statusQueryGetUri;
    await waitFor(
      async () => ((await (await fetch(statusUrl)).json()) as Status).customStatus?.step === 'awaiting-approval',
      { what: 'the approval wait' },
    );
    assert.equal(
      (await eventGrid([event('approve-1', 'Test.Approval', { instanceId: 'eg-order', approver: 'dana' })])).status,
      200,
    );
    const done = await waitFor(
      async () => {
        const status = (await (await fetch(statusUrl)).json()) as Status;
        return status.runtimeStatus === 'Completed' ? status : undefined;
      },
      { what: 'completion' },
    );
    assert.equal(done.output.status, 'approved');
    assert.equal(done.output.charged.approver, 'dana');
  });
});
