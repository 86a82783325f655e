import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';

const CALLER = '+14255550123';
const MAIN_LINE = '+18005550100';

/** An Event Grid delivery to one of the app's Event Grid functions, as Event Grid posts it. */
async function deliver(sb: SwitchboardSandbox, functionName: string, eventType: string, data: unknown, subject = '') {
  const id = randomUUID();
  const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=${functionName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify([
      {
        id,
        topic: '/acs',
        subject,
        eventType,
        eventTime: new Date().toISOString(),
        dataVersion: '1.0',
        metadataVersion: '1',
        data,
      },
    ]),
  });
  return { id, status: response.status, text: await response.text() };
}

const phone = (number: string) => ({ kind: 'phoneNumber', rawId: `4:${number}`, phoneNumber: { value: number } });

/** An incomingCallContext in the shape ACS issues (an unsigned JWT holding a token with an expiry), not one it knows. */
function contextExpiringAt(expSeconds: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const shrToken = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ exp: expSeconds })}.c2lnbmF0dXJl`;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ cc: 'H4sIAAAA', shrToken })}.`;
}

describe('poison events: answered as handled, dead-lettered, never retried for ever', () => {
  let sb: SwitchboardSandbox;
  let deadLetter: (handler: string, eventId: string) => Promise<{ reason: string; eventType: string } | undefined>;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, answerDelayMs: 100 } });
    const container = BlobServiceClient.fromConnectionString(sb.azurite.connectionString).getContainerClient(
      'deadletter',
    );
    // Dead letters are written behind the event's answer.
    deadLetter = async (handler, eventId) => {
      const blob = container.getBlobClient(`events/${handler}/${eventId}.json`);
      await waitFor(() => blob.exists(), { what: `the dead letter of ${handler} ${eventId}` });
      return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as { reason: string; eventType: string };
    };
  });
  after(async () => {
    await sb?.stop();
  });

  it('drops an IncomingCall whose incomingCallContext ACS does not know (expired or bogus) with a dead letter', async () => {
    const result = await deliver(sb, 'incomingCall', 'Microsoft.Communication.IncomingCall', {
      to: phone(MAIN_LINE),
      from: phone(CALLER),
      serverCallId: `bogus-${randomUUID()}`,
      incomingCallContext: contextExpiringAt(Math.floor(Date.now() / 1000) + 3600),
      correlationId: randomUUID(),
    });
    assert.equal(result.status, 200, result.text);
    const letter = await deadLetter('incomingCall', result.id);
    assert.equal(letter?.eventType, 'Microsoft.Communication.IncomingCall');
    assert.match(letter?.reason ?? '', /incoming call context/i);
  });

  it('refuses a poison batch of 1,000 IncomingCall events without a single request to ACS', async () => {
    const [latest] = (await sb.acs.control.timeline()).slice(-1);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const contexts = [contextExpiringAt(hourAgo), 'not-a-context-acs-issued', 'e30.e30', `${'A'.repeat(40)}..`];
    const events = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(),
      topic: '/acs',
      subject: '',
      eventType: 'Microsoft.Communication.IncomingCall',
      eventTime: new Date().toISOString(),
      dataVersion: '1.0',
      metadataVersion: '1',
      data: {
        to: phone(MAIN_LINE),
        from: phone(CALLER),
        serverCallId: `poison-${i}-${randomUUID()}`,
        incomingCallContext: contexts[i % contexts.length],
      },
    }));
    const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify(events),
    });
    assert.equal(response.status, 200, await response.text());
    const requests = await sb.acs.control.timeline({ kind: 'request', since: latest?.seq ?? 0 });
    assert.deepEqual(
      requests.filter((r) => ['answerCall', 'rejectCall', 'redirectCall'].includes(r.operation ?? '')),
      [],
    );
    assert.match((await deadLetter('incomingCall', events[0].id))?.reason ?? '', /expired/);
    assert.match((await deadLetter('incomingCall', events[1].id))?.reason ?? '', /malformed/);
  });

  it('drops an IncomingCall for numbers that are not E.164 with a dead letter naming the field', async () => {
    const result = await deliver(sb, 'incomingCall', 'Microsoft.Communication.IncomingCall', {
      to: phone('18005550100'),
      from: phone('not-a-number'),
      serverCallId: `odd-${randomUUID()}`,
      incomingCallContext: 'ctx',
    });
    assert.equal(result.status, 200, result.text);
    assert.match((await deadLetter('incomingCall', result.id))?.reason ?? '', /E\.164/);
  });

  it('drops a recording whose content URL is not one ACS serves recordings from', async () => {
    const result = await deliver(
      sb,
      'recordingFileStatusUpdated',
      'Microsoft.Communication.RecordingFileStatusUpdated',
      {
        recordingStorageInfo: {
          recordingChunks: [{ documentId: 'doc-1', index: 0, contentLocation: 'https://files.example.com/stolen.wav' }],
        },
        recordingFormatType: 'Wav',
      },
      '/recording/call/c1/serverCallId/s1',
    );
    assert.equal(result.status, 200, result.text);
    assert.match((await deadLetter('recordingFileStatusUpdated', result.id))?.reason ?? '', /contentLocation/);
  });

  it('answers an IncomingCall delivered in the CloudEvents schema, as a subscription with that schema sends it', async () => {
    // The app's own subscription (EventGrid schema) stands aside, so only the CloudEvents delivery reaches the app.
    const [own] = (await sb.acs.control.listSubscriptions()).filter((s) => s.endpoint.includes('=incomingCall'));
    await sb.acs.control.removeSubscription(own.id);
    try {
      const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
      const published = await sb.acs.control.waitForEventGrid('Microsoft.Communication.IncomingCall', {
        serverCallId: call.serverCallId,
      });
      const id = randomUUID();
      const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
        body: JSON.stringify({
          specversion: '1.0',
          type: 'Microsoft.Communication.IncomingCall',
          source: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs',
          id,
          time: new Date().toISOString(),
          subject: `/caller/4:${CALLER}/recipient/4:${MAIN_LINE}`,
          datacontenttype: 'application/json',
          data: published.data,
        }),
      });
      assert.equal(response.status, 200, await response.text());
      await sb.acs.control.waitForRequest('answerCall', { serverCallId: call.serverCallId }, 15_000);
      await sb.acs.control.hangUp(call.serverCallId);
    } finally {
      await sb.acs.control.addSubscription({ endpoint: own.endpoint, eventTypes: own.eventTypes });
    }
  });

  it('dead-letters a CloudEvents IncomingCall it cannot handle with the reason, never dropping it silently', async () => {
    const id = randomUUID();
    const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify({
        specversion: '1.0',
        type: 'Microsoft.Communication.IncomingCall',
        source: '/acs',
        id,
        time: new Date().toISOString(),
        data: { to: phone(MAIN_LINE), from: phone(CALLER) },
      }),
    });
    assert.equal(response.status, 200, await response.text());
    const letter = await deadLetter('incomingCall', id);
    assert.equal(letter?.eventType, 'Microsoft.Communication.IncomingCall');
    assert.match(letter?.reason ?? '', /serverCallId/);
  });

  it('refuses an oversized request body with 413 before storage sees it', async () => {
    const response = await sb.api(`/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: CALLER, flow: 'reminder', variables: { note: 'x'.repeat(10 * 1024 * 1024) } }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { error: string };
    assert.match(body.error, /too large/);
    assert.doesNotMatch(body.error, /table|entity|azurite|storage/i);
  });
});
