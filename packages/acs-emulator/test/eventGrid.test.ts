import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type AcsEmulatorOptions } from '../src/index';
import { startAcsEmulatorChecked as startAcsEmulator } from './support/checkedEmulator';
import { EventGridSink } from './support/eventGridSink';
import { CALLER, SUPPORT_LINE } from './support/fixtures';

const INCOMING_CALL = 'Microsoft.Communication.IncomingCall';

async function withEmulator(
  options: AcsEmulatorOptions,
  run: (acs: Awaited<ReturnType<typeof startAcsEmulator>>, sink: EventGridSink) => Promise<void>,
): Promise<void> {
  const sink = await new EventGridSink().start();
  const acs = await startAcsEmulator({
    timeScale: 0.01,
    incomingCallTimeoutMs: 1_000_000,
    eventGridRetryDelaysMs: [1_000, 2_000],
    eventGridDeliveryTimeoutMs: 2_000,
    ...options,
  });
  try {
    await run(acs, sink);
  } finally {
    await acs.close();
    await sink.close();
  }
}

describe('Event Grid delivery', () => {
  it('validates a subscription with the handshake before the first event', async () => {
    await withEmulator({}, async (acs, sink) => {
      const subscription = await acs.control.addSubscription({ endpoint: sink.url, eventTypes: [INCOMING_CALL] });
      assert.equal(subscription.validated, true);
      assert.equal(sink.validations, 1);
      await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      const [event] = await sink.waitFor(INCOMING_CALL);
      assert.equal(event?.eventType, INCOMING_CALL);
      assert.equal(event?.dataVersion, '1.0');
      assert.equal(event?.metadataVersion, '1');
      assert.match(String(event?.topic), /\/providers\/Microsoft\.Communication\/communicationServices\//);
      assert.equal(sink.events[0]?.headers['aeg-event-type'], 'Notification');
    });
  });

  it('does not deliver to an endpoint that fails the handshake', async () => {
    await withEmulator({ eventGridMaxDeliveryAttempts: 2 }, async (acs, sink) => {
      sink.answerValidation = false;
      const subscription = await acs.control.addSubscription({ endpoint: sink.url });
      assert.equal(subscription.validated, false);
      await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      const dropped = await acs.control.waitFor({
        kind: 'eventGridDelivery',
        type: INCOMING_CALL,
        subscriptionId: subscription.id,
        since: 0,
      });
      assert.equal(dropped.error, 'subscription not validated');
      assert.equal(sink.events.length, 0);
    });
  });

  it('retries a failing endpoint with backoff until it succeeds', async () => {
    await withEmulator({}, async (acs, sink) => {
      const subscription = await acs.control.addSubscription({ endpoint: sink.url, eventTypes: [INCOMING_CALL] });
      sink.failNext = 2;
      await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      await sink.waitFor(INCOMING_CALL);
      const attempts = (
        await acs.control.timeline({ kind: 'eventGridDelivery', type: INCOMING_CALL, subscriptionId: subscription.id })
      ).map((e) => [e.attempt, e.status]);
      assert.deepEqual(attempts, [
        [1, 500],
        [2, 500],
        [3, 200],
      ]);
      assert.equal(sink.events[0]?.headers['aeg-delivery-count'], '2');
    });
  });

  it('gives up after maxDeliveryAttempts', async () => {
    await withEmulator({}, async (acs, sink) => {
      const subscription = await acs.control.addSubscription({
        endpoint: sink.url,
        eventTypes: [INCOMING_CALL],
        maxDeliveryAttempts: 3,
      });
      sink.failNext = 100;
      sink.failStatus = 503;
      await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      const dropped = await waitForDropped(acs, subscription.id);
      assert.equal(dropped.attempt, 3);
      assert.equal(sink.events.length, 0);
    });
  });

  it('does not retry a 400 answer', async () => {
    await withEmulator({}, async (acs, sink) => {
      const subscription = await acs.control.addSubscription({ endpoint: sink.url, eventTypes: [INCOMING_CALL] });
      sink.failNext = 100;
      sink.failStatus = 400;
      await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      const dropped = await waitForDropped(acs, subscription.id);
      assert.equal(dropped.attempt, 1);
    });
  });

  it('times out a delivery to an endpoint that never answers, and retries it', async () => {
    const stuck = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const [event] = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{
          eventType: string;
          data: { validationCode: string };
        }>;
        if (event?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ validationResponse: event.data.validationCode }));
        }
        // Notifications are never answered.
      });
    });
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    try {
      await withEmulator({ eventGridDeliveryTimeoutMs: 200 }, async (acs) => {
        const endpoint = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/`;
        const subscription = await acs.control.addSubscription({
          endpoint,
          eventTypes: [INCOMING_CALL],
          maxDeliveryAttempts: 2,
        });
        await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
        const dropped = await waitForDropped(acs, subscription.id);
        assert.equal(dropped.error, 'timeout');
        assert.equal(dropped.attempt, 2);
      });
    } finally {
      stuck.closeAllConnections();
      stuck.close();
    }
  });

  it('sends IncomingCall twice to a subscription without a filter, once to a filtered one', async () => {
    const filtered = await new EventGridSink().start();
    try {
      await withEmulator({}, async (acs, unfiltered) => {
        await acs.control.addSubscription({ endpoint: unfiltered.url });
        await acs.control.addSubscription({ endpoint: filtered.url, eventTypes: [INCOMING_CALL] });
        const call = await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
        const twice = await unfiltered.waitFor(INCOMING_CALL, 2);
        await filtered.waitFor(INCOMING_CALL, 1);
        assert.equal(twice.length, 2);
        assert.notEqual(twice[0]?.id, twice[1]?.id);
        assert.equal(twice[0]?.data.serverCallId, call.serverCallId);
        assert.equal(twice[1]?.data.incomingCallContext, twice[0]?.data.incomingCallContext);
        await acs.control.receiveSms({ from: CALLER, to: SUPPORT_LINE, message: 'hello' });
        await unfiltered.waitFor('Microsoft.Communication.SMSReceived');
        assert.equal(filtered.events.length, 1, 'the filter keeps SMS away');
      });
    } finally {
      await filtered.close();
    }
  });

  it('reads subscriptions from a JSON file at start, and lists and removes them over the control API', async () => {
    const sink = await new EventGridSink().start();
    const dir = mkdtempSync(join(tmpdir(), 'acs-subs-'));
    const file = join(dir, 'subscriptions.json');
    writeFileSync(file, JSON.stringify([{ id: 'from-file', endpoint: sink.url, eventTypes: [INCOMING_CALL] }]));
    try {
      await withEmulator({ subscriptionsFile: file }, async (acs) => {
        const [subscription] = await acs.control.listSubscriptions();
        assert.equal(subscription?.id, 'from-file');
        assert.equal(subscription?.validated, true);
        await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
        await sink.waitFor(INCOMING_CALL);
        await acs.control.removeSubscription('from-file');
        assert.deepEqual(await acs.control.listSubscriptions(), []);
      });
    } finally {
      await sink.close();
    }
  });

  it('refuses a subscription whose endpoint is not a URL', async () => {
    await withEmulator({}, async (acs) => {
      await assert.rejects(acs.control.addSubscription({ endpoint: 'nowhere' }), /400/);
    });
  });
});

async function waitForDropped(acs: Awaited<ReturnType<typeof startAcsEmulator>>, subscriptionId: string) {
  for (;;) {
    const entries = await acs.control.timeline({ kind: 'eventGridDelivery', type: INCOMING_CALL, subscriptionId });
    const dropped = entries.find((e) => (e.data as { dropped?: boolean } | undefined)?.dropped);
    if (dropped) return dropped;
    const last = entries.at(-1)?.seq ?? 0;
    await acs.control.waitFor({ kind: 'eventGridDelivery', type: INCOMING_CALL, subscriptionId, since: last }, 5_000);
  }
}
