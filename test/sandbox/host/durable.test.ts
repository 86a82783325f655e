import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { startHostProcess, type HostProcess } from '@switchboard/sandbox/hostProcess';
import { fixture } from '../../support/paths';
import { durableApi, type OrderOutcome } from '../../support/durableApi';
import { countRecords } from '../../support/blobCounts';
import { waitFor } from '../../support/waitFor';

describe('Durable Functions on the local host', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess;
  let api: ReturnType<typeof durableApi>;

  before(async () => {
    azurite = await startAzurite();
    host = await startHostProcess(fixture('host-app'), {
      AzureWebJobsStorage: azurite.connectionString,
      FIXTURE_TASKHUB: 'durabletests',
    });
    api = durableApi(host);
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  it('runs an activity, an external event raced against a timer, then an activity retried after failures', async () => {
    assert.equal(
      (
        await api.start('orderWorkflow', 'order-retry', {
          orderId: 'order-retry',
          sku: 'A1',
          quantity: 3,
          approvalTimeoutMs: 60_000,
          failCharges: 2,
        })
      ).status,
      202,
    );
    await api.waitForStep('order-retry', 'awaiting-approval');
    assert.equal((await api.raise('order-retry', 'Approval', { approver: 'sam' })).status, 202);
    const done = await api.waitForEnd('order-retry');
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(done.output, {
      status: 'approved',
      reserved: { sku: 'A1', held: 3 },
      charged: { attempt: 3, approver: 'sam' },
    });
    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'order-retry/reserveStock'), 1);
    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'order-retry/chargeCard'), 3);
  });

  it('takes the durable timer branch when no event arrives in time', async () => {
    await api.start('orderWorkflow', 'order-timeout', {
      orderId: 'order-timeout',
      sku: 'B2',
      quantity: 1,
      approvalTimeoutMs: 200,
    });
    const done = await api.waitForEnd('order-timeout');
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((done.output as OrderOutcome).status, 'timed-out');
    assert.equal(done.customStatus?.step, 'timed-out');
  });

  it('ignores an event raised after the timer won the race', async () => {
    await api.start('orderWorkflow', 'order-late', {
      orderId: 'order-late',
      sku: 'B3',
      quantity: 1,
      approvalTimeoutMs: 100,
    });
    await api.waitForEnd('order-late');
    assert.equal((await api.raise('order-late', 'Approval', { approver: 'late' })).status, 410);
    assert.equal(((await api.status('order-late'))?.output as OrderOutcome | undefined)?.status, 'timed-out');
  });

  it('fans out with Task.all and waits for a sub-orchestration', async () => {
    await api.start('fanOut', 'fan-1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const done = await api.waitForEnd('fan-1');
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(done.output, { doubled: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20], sum: 110 });
  });

  it('continues as new, one generation per step, until the counter reaches its limit', async () => {
    await api.start('counter', 'counter-1', { n: 0, limit: 4 });
    const done = await api.waitForEnd('counter-1');
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(done.output, { reached: 4 });
  });

  it('fails an instance whose orchestrator schedules something different on replay, naming both actions', async () => {
    await api.start('nondeterministic', 'nondet-1', null);
    const done = await api.waitForEnd('nondet-1');
    assert.equal(done.runtimeStatus, 'Failed');
    assert.match(
      String(done.output),
      /Non-deterministic orchestrator "nondeterministic".*CallActivity "reserveStock".*CallActivity "double"/,
    );
  });

  it('fails the orchestration with the activity error when an activity throws', async () => {
    await api.start('failing', 'failing-1', null);
    const done = await api.waitForEnd('failing-1');
    assert.equal(done.runtimeStatus, 'Failed');
    assert.match(String(done.output), /card declined on attempt 1/);
  });

  it('refuses every Durable API request without the durabletask_extension system key, and changes nothing', async () => {
    const base = `${host.url}/runtime/webhooks/durabletask`;
    const attempts: [string, RequestInit][] = [
      [`${base}/orchestrators/orderWorkflow/sneaky`, { method: 'POST', body: '{}' }],
      [`${base}/instances/sneaky`, {}],
      [`${base}/instances/?runtimeStatus=Running`, {}],
      [`${base}/instances/sneaky/raiseEvent/Approval`, { method: 'POST', body: '{}' }],
      [`${base}/instances/sneaky/terminate?reason=x`, { method: 'POST' }],
      [`${base}/instances/sneaky`, { method: 'DELETE' }],
      [`${base}/instances/sneaky?code=wrong-key`, {}],
      [`${base}/instances/sneaky`, { headers: { 'x-functions-key': 'wrong-key' } }],
    ];
    for (const [url, init] of attempts) {
      const response = await fetch(url, init);
      assert.equal(response.status, 401, `${init.method ?? 'GET'} ${url}`);
      assert.match(((await response.json()) as { error: string }).error, /durabletask_extension/);
    }
    assert.equal(await api.status('sneaky'), undefined, 'nothing was started');
    const byHeader = await fetch(`${base}/instances/sneaky`, { headers: { 'x-functions-key': host.durableKey } });
    assert.equal(byHeader.status, 404, 'the key in x-functions-key is taken too');
  });

  it("hands the app's durable client the system key as the extension does: its management URLs carry code=", async () => {
    const response = await fetch(`${host.url}/api/workflows/orderWorkflow/via-app`, {
      method: 'POST',
      body: JSON.stringify({ orderId: 'via-app', sku: 'G', quantity: 1, approvalTimeoutMs: 100 }),
    });
    assert.equal(response.status, 202);
    const links = (await response.json()) as { statusQueryGetUri: string; sendEventPostUri: string };
    assert.match(links.statusQueryGetUri, /[?&]code=/);
    assert.equal(new URL(links.statusQueryGetUri).searchParams.get('code'), host.durableKey);
    const done = await api.waitForEnd('via-app');
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((await fetch(links.statusQueryGetUri)).status, 200);
  });

  it("tells an orchestration once that its activity's result cannot be stored, with a dead-letter record", async () => {
    assert.equal((await api.start('tooLarge', 'large-result', { where: 'result' })).status, 202);
    const done = await api.waitForEnd('large-result');
    assert.equal(done.runtimeStatus, 'Completed');
    const output = done.output as { outcome: string; reason: string };
    assert.equal(output.outcome, 'refused');
    assert.match(output.reason, /too large to store/);
    const letters = TableClient.fromConnectionString(azurite.connectionString, 'durabletestsInstances', {
      allowInsecureConnection: true,
    });
    const dead = [];
    for await (const row of letters.listEntities({ queryOptions: { filter: "PartitionKey eq 'deadletter'" } }))
      dead.push(row);
    assert.ok(
      dead.some((row) => row.instanceId === 'large-result' && /too large/.test(String(row.reason))),
      JSON.stringify(dead),
    );
  });

  it('fails an orchestration whose own history cannot be stored, instead of retrying it for ever', async () => {
    assert.equal((await api.start('tooLarge', 'large-input', { where: 'input' })).status, 202);
    const done = await api.waitForEnd('large-input');
    assert.equal(done.runtimeStatus, 'Failed');
    assert.match(String(done.output), /too large to store/);
  });

  it('refuses with 413 an orchestration input or an event too large to store, creating nothing', async () => {
    const big = { blob: 'x'.repeat(1_200_000) };
    const start = await api.start('orderWorkflow', 'too-big-start', big);
    assert.equal(start.status, 413);
    assert.match(((await start.json()) as { error: string }).error, /too large/);
    assert.equal(await api.status('too-big-start'), undefined);
    await api.start('orderWorkflow', 'big-event', {
      orderId: 'big-event',
      sku: 'H',
      quantity: 1,
      approvalTimeoutMs: 60_000,
    });
    await api.waitForStep('big-event', 'awaiting-approval');
    assert.equal((await api.raise('big-event', 'Approval', big)).status, 413);
    assert.equal((await api.status('big-event'))?.runtimeStatus, 'Running', 'the orchestration waits on');
  });

  it('answers 404 for an unknown instance, 409 for a running id and 400 for an unknown orchestrator', async () => {
    assert.equal(await api.status('nobody'), undefined);
    assert.equal((await api.raise('nobody', 'Approval', {})).status, 404);
    await api.start('orderWorkflow', 'order-dupe', {
      orderId: 'order-dupe',
      sku: 'C',
      quantity: 1,
      approvalTimeoutMs: 60_000,
    });
    assert.equal((await api.start('orderWorkflow', 'order-dupe', {})).status, 409);
    assert.equal((await api.start('noSuchOrchestrator', 'x-1', {})).status, 400);
    const malformed = await fetch(
      `${host.url}/runtime/webhooks/durabletask/orchestrators/orderWorkflow/bad-json?code=${host.durableKey}`,
      { method: 'POST', body: '{oops' },
    );
    assert.equal(malformed.status, 400);
  });
});

describe('Durable Functions across a host crash', () => {
  let azurite: AzuriteInstance;
  let host: HostProcess | undefined;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  it('resumes every instance after the host is killed, running no completed activity again', async () => {
    const env = { AzureWebJobsStorage: azurite.connectionString, FIXTURE_TASKHUB: 'crashtests' };
    host = await startHostProcess(fixture('host-app'), env);
    let api = durableApi(host);
    // One waits for an event, one has a timer due after the crash, one is inside a slow activity.
    await api.start('orderWorkflow', 'crash-event', {
      orderId: 'crash-event',
      sku: 'D',
      quantity: 1,
      approvalTimeoutMs: 600_000,
    });
    await api.start('orderWorkflow', 'crash-timer', {
      orderId: 'crash-timer',
      sku: 'E',
      quantity: 1,
      approvalTimeoutMs: 1_500,
    });
    await api.start('orderWorkflow', 'crash-activity', {
      orderId: 'crash-activity',
      sku: 'F',
      quantity: 1,
      approvalTimeoutMs: 600_000,
      reserveDelayMs: 60_000,
    });
    await api.waitForStep('crash-event', 'awaiting-approval');
    await api.waitForStep('crash-timer', 'awaiting-approval');
    await waitFor(() => countRecords(azurite.connectionString, 'activity-runs', 'crash-activity/reserveStock'), {
      what: 'the slow activity to start',
    });

    await host.stop('SIGKILL');
    host = await startHostProcess(fixture('host-app'), env);
    api = durableApi(host);

    const timedOut = await api.waitForEnd('crash-timer');
    assert.equal((timedOut.output as OrderOutcome).status, 'timed-out');
    assert.equal((await api.raise('crash-event', 'Approval', { approver: 'after-crash' })).status, 202);
    const approved = await api.waitForEnd('crash-event');
    assert.equal(approved.runtimeStatus, 'Completed');
    assert.equal((approved.output as OrderOutcome).charged?.approver, 'after-crash');
    assert.equal((await api.status('crash-activity'))?.runtimeStatus, 'Running');

    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'crash-event/reserveStock'), 1);
    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'crash-event/chargeCard'), 1);
    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'crash-timer/reserveStock'), 1);
    // The activity the crash interrupted had not completed, so it runs again (at-least-once).
    assert.equal(await countRecords(azurite.connectionString, 'activity-runs', 'crash-activity/reserveStock'), 2);
  });
});
