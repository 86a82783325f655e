import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { waitFor } from '../../support/waitFor';

const CALLER = '+14255550123';
const MAIN_LINE = '+18005550100';
const GUARDED_LINE = '+18005550900'; // its menu waits long enough for a loaded machine
const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

describe('calls under attack and under duplicate delivery', () => {
  let sb: SwitchboardSandbox;
  let jwk: { kid: string; n: string; e: string };

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
    const jwks = (await (await fetch(sb.acs.jwksUrl)).json()) as { keys: { kid: string; n: string; e: string }[] };
    jwk = jwks.keys[0];
  });
  after(async () => {
    await sb?.stop();
  });

  const claims = () => ({
    iss: sb.acs.issuer,
    aud: sb.acs.immutableResourceId,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 300,
  });
  const forgedEvent = (serverCallId: string, callConnectionId: string) =>
    JSON.stringify([
      {
        id: 'forged-1',
        source: `calling/callConnections/${callConnectionId}`,
        type: 'Microsoft.Communication.RecognizeCompleted',
        specversion: '1.0',
        time: new Date().toISOString(),
        data: {
          callConnectionId,
          serverCallId,
          operationContext: 'menu:1',
          recognitionType: 'dtmf',
          dtmfResult: { tones: ['two'] },
          resultInformation: { code: 200, subCode: 8531 },
        },
      },
    ]);

  function forgedTokens(): Record<string, string | undefined> {
    const header = (alg: string) => b64url(JSON.stringify({ alg, kid: jwk.kid, typ: 'JWT' }));
    const payload = b64url(JSON.stringify(claims()));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = rsaSign('sha256', Buffer.from(`${header('RS256')}.${payload}`), privateKey);
    const publicPem = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const hs256 = createHmac('sha256', publicPem)
      .update(`${header('HS256')}.${payload}`)
      .digest();
    return {
      'no token': undefined,
      'not a JWT': 'Bearer not-a-token',
      'signed with another key': `Bearer ${header('RS256')}.${payload}.${b64url(wrongKey)}`,
      'alg none': `Bearer ${header('none')}.${payload}.`,
      'HS256 keyed with the public key': `Bearer ${header('HS256')}.${payload}.${b64url(hs256)}`,
    };
  }

  it('refuses forged callbacks with 401 and the call goes on as the caller chooses', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: GUARDED_LINE });
    const recognize = await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    const callConnectionId =
      recognize.callConnectionId ?? (await sb.acs.control.getCall(call.serverCallId)).callConnectionId!;
    const url = `${sb.host.url}/api/calls/${callIdFor(call.serverCallId)}/events`;
    for (const [name, authorization] of Object.entries(forgedTokens())) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: forgedEvent(call.serverCallId, callConnectionId),
      });
      assert.equal(response.status, 401, `${name} was not refused`);
    }
    // The forged "press 2" changed nothing: the caller's own 1 goes to billing.
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await waitFor(
      async () => {
        const state = (await (await sb.api(`/api/calls/${callIdFor(call.serverCallId)}`)).json()) as {
          state: string;
          history: string[];
        };
        return state.state === 'Completed' ? state : undefined;
      },
      { what: 'the call to finish' },
    );
    assert.deepEqual(done.history.slice(0, 2), ['menu', 'billing']);
  });

  it('answers a call exactly once when IncomingCall arrives five times at once and twice from an unfiltered subscription', async () => {
    for (const subscription of await sb.acs.control.listSubscriptions())
      await sb.acs.control.removeSubscription(subscription.id);
    await sb.acs.control.addSubscription({
      endpoint: `${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`,
    });
    const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    const summary = await sb.acs.control.getCall(call.serverCallId);
    const event = {
      id: `redelivered-${call.serverCallId.slice(0, 8)}`,
      topic: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Communication/communicationServices/z',
      subject: `/caller/4:${CALLER}/recipient/4:${MAIN_LINE}`,
      eventType: 'Microsoft.Communication.IncomingCall',
      eventTime: new Date().toISOString(),
      dataVersion: '1.0',
      metadataVersion: '1',
      data: {
        to: { kind: 'phoneNumber', rawId: `4:${MAIN_LINE}`, phoneNumber: { value: MAIN_LINE } },
        from: { kind: 'phoneNumber', rawId: `4:${CALLER}`, phoneNumber: { value: CALLER } },
        serverCallId: call.serverCallId,
        incomingCallContext: summary.incomingCallContext,
        correlationId: summary.correlationId,
      },
    };
    const deliveries = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
          body: JSON.stringify([event]),
        }),
      ),
    );
    assert.ok(
      deliveries.every((d) => d.status === 200 || d.status === 500),
      'deliveries are acknowledged or retried, never crash the host',
    );
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    const incoming = (
      await sb.acs.control.timeline({ kind: 'eventGridDelivery', type: 'Microsoft.Communication.IncomingCall', since })
    ).filter((d) => (d.attempt ?? 1) === 1);
    const answers = await sb.acs.control.timeline({
      kind: 'request',
      operation: 'answerCall',
      serverCallId: call.serverCallId,
    });
    assert.equal(answers.length, 1, `${answers.length} answers for one call`);
    assert.equal(incoming.length, 2, 'ACS sends an unfiltered subscription two IncomingCall events');
    await sb.acs.control.hangUp(call.serverCallId);
  });

  it('refuses a malformed IncomingCall without failing the delivery or answering anything', async () => {
    const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: 'bad-1',
          eventType: 'Microsoft.Communication.IncomingCall',
          subject: 'x',
          eventTime: new Date().toISOString(),
          dataVersion: '1',
          data: { to: {} },
        },
      ]),
    });
    assert.equal(response.status, 200, 'a malformed event is dropped, not retried forever');
    assert.match(sb.host.output(), /event dropped: it can never be handled/);
  });
});
