import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { type AcsEmulator } from '../src/index';
import { startAcsEmulatorChecked as startAcsEmulator } from './support/checkedEmulator';
import { send, sign, signedJson } from './support/rawHttp';

const ACCESS_KEY = Buffer.from('switchboard-test-access-key-0123456789').toString('base64');

describe('transport and authentication', () => {
  let acs: AcsEmulator;

  before(async () => {
    acs = await startAcsEmulator({ accessKey: ACCESS_KEY, timeScale: 0.01, incomingCallTimeoutMs: 1_000_000 });
  });
  after(() => acs.close());

  const path = '/calling/callConnections/unknown-call?api-version=2026-03-12';

  it('serves HTTPS on a free port with a connection string the SDK accepts', async () => {
    assert.match(acs.endpoint, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(acs.connectionString, `endpoint=${acs.endpoint};accesskey=${ACCESS_KEY}`);
    const client = new CallAutomationClient(acs.connectionString);
    await assert.rejects(
      client.getCallConnection('no-such-call').getCallConnectionProperties(),
      (err: { statusCode?: number; code?: string }) => {
        assert.equal(err.statusCode, 404);
        assert.equal(err.code, '8522');
        return true;
      },
    );
  });

  it('rejects an unsigned request with 401 Denied', async () => {
    const res = await send(new URL(path, acs.endpoint), 'GET', {});
    assert.equal(res.status, 401);
    assert.deepEqual(Object.keys((res.body as { error: object }).error).sort(), ['code', 'message']);
    assert.equal((res.body as { error: { code: string } }).error.code, 'Denied');
  });

  it('rejects a request signed with another key', async () => {
    const url = new URL(path, acs.endpoint);
    const res = await send(url, 'GET', sign(Buffer.from('another key').toString('base64'), 'GET', url, ''));
    assert.equal(res.status, 401);
  });

  it('rejects a stale request', async () => {
    const url = new URL(path, acs.endpoint);
    const res = await send(
      url,
      'GET',
      sign(ACCESS_KEY, 'GET', url, '', new Date(Date.now() - 60 * 60 * 1000).toUTCString()),
    );
    assert.equal(res.status, 401);
  });

  it('rejects a body that does not match the signed content hash', async () => {
    const url = new URL('/calling/callConnections:answer?api-version=2026-03-12', acs.endpoint);
    const headers = { ...sign(ACCESS_KEY, 'POST', url, '{}'), 'content-type': 'application/json' };
    const res = await send(url, 'POST', headers, '{"incomingCallContext":"x"}');
    assert.equal(res.status, 401);
  });

  it('rejects a request whose query was changed after signing', async () => {
    const url = new URL(path, acs.endpoint);
    const headers = sign(ACCESS_KEY, 'GET', url, '');
    const res = await send(
      new URL('/calling/callConnections/unknown-call?api-version=2020-01-01', acs.endpoint),
      'GET',
      headers,
    );
    assert.equal(res.status, 401);
  });

  it('answers 404 8522 for an unknown call connection when correctly signed', async () => {
    const res = await signedJson(ACCESS_KEY, acs.endpoint, 'GET', path);
    assert.equal(res.status, 404);
    assert.equal((res.body as { error: { code: string } }).error.code, '8522');
  });

  it('answers 400 for malformed JSON and keeps serving', async () => {
    const url = new URL('/calling/callConnections:answer?api-version=2026-03-12', acs.endpoint);
    const body = '{"incomingCallContext": ';
    const res = await send(
      url,
      'POST',
      { ...sign(ACCESS_KEY, 'POST', url, body), 'content-type': 'application/json' },
      body,
    );
    assert.equal(res.status, 400);
    assert.equal((res.body as { error: { code: string } }).error.code, 'BadRequest');
    const again = await signedJson(ACCESS_KEY, acs.endpoint, 'GET', path);
    assert.equal(again.status, 404);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const url = new URL('/calling/callConnections:answer?api-version=2026-03-12', acs.endpoint);
    const body = 'incomingCallContext=x';
    const res = await send(
      url,
      'POST',
      { ...sign(ACCESS_KEY, 'POST', url, body), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    );
    assert.equal(res.status, 415);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const url = new URL('/calling/callConnections:answer?api-version=2026-03-12', acs.endpoint);
    const body = JSON.stringify({ incomingCallContext: 'x'.repeat(1024 * 1024 + 10) });
    const res = await send(
      url,
      'POST',
      { ...sign(ACCESS_KEY, 'POST', url, body), 'content-type': 'application/json' },
      body,
    );
    assert.equal(res.status, 413);
    assert.equal((res.body as { error: { code: string } }).error.code, 'RequestEntityTooLarge');
  });

  it('answers 404 for an unknown operation and 405 for a wrong method', async () => {
    const unknown = await signedJson(
      ACCESS_KEY,
      acs.endpoint,
      'POST',
      '/calling/callConnections/abc:dance?api-version=1',
      {},
    );
    assert.equal(unknown.status, 404);
    const wrongMethod = await signedJson(ACCESS_KEY, acs.endpoint, 'PUT', path, {});
    assert.equal(wrongMethod.status, 405);
  });

  it('answers 400 with ACS codes for invalid phone numbers and bodies that are not objects', async () => {
    const bad = await signedJson(ACCESS_KEY, acs.endpoint, 'POST', '/calling/callConnections?api-version=2026-03-12', {
      targets: [{ kind: 'phoneNumber', phoneNumber: { value: '555-0100' } }],
      sourceCallerIdNumber: { value: '+18005550100' },
      callbackUri: 'https://app.example/callbacks',
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { error: { code: string } }).error.code, '8524');
    const url = new URL('/calling/callConnections?api-version=2026-03-12', acs.endpoint);
    const res = await send(
      url,
      'POST',
      { ...sign(ACCESS_KEY, 'POST', url, '[1,2]'), 'content-type': 'application/json' },
      '[1,2]',
    );
    assert.equal(res.status, 400);
  });

  it('does not act twice on a repeated Repeatability-Request-ID', async () => {
    const placed = await acs.control.placeCall({ from: '+14255550123', to: '+18005550100' });
    const body = { incomingCallContext: placed.incomingCallContext, callbackUri: 'http://127.0.0.1:9/callbacks' };
    const headers = { 'repeatability-request-id': randomUUID(), 'repeatability-first-sent': new Date().toUTCString() };
    const first = await signedJson(
      ACCESS_KEY,
      acs.endpoint,
      'POST',
      '/calling/callConnections:answer?api-version=2026-03-12',
      body,
      headers,
    );
    const second = await signedJson(
      ACCESS_KEY,
      acs.endpoint,
      'POST',
      '/calling/callConnections:answer?api-version=2026-03-12',
      body,
      headers,
    );
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    const third = await signedJson(
      ACCESS_KEY,
      acs.endpoint,
      'POST',
      '/calling/callConnections:answer?api-version=2026-03-12',
      body,
      { 'repeatability-request-id': randomUUID() },
    );
    assert.equal(third.status, 400, 'a new request id answering the same call is refused: already answered');
    assert.equal(second.headers['repeatability-result'], 'rejected');
    const callConnectionId = (first.body as { callConnectionId: string }).callConnectionId;
    assert.equal((await acs.control.getCall(placed.serverCallId)).callConnectionId, callConnectionId);
    await acs.control.waitForEvent('CallConnected', { callConnectionId });
    assert.equal(
      (await acs.control.timeline({ kind: 'callback', type: 'CallConnected', serverCallId: placed.serverCallId }))
        .length,
      1,
    );
  });

  it('serves the callback JWKS without authentication', async () => {
    const res = await send(new URL(acs.jwksUrl), 'GET', {});
    assert.equal(res.status, 200);
    const [key] = (res.body as { keys: Array<{ kty: string; alg: string; kid: string }> }).keys;
    assert.equal(key?.kty, 'RSA');
    assert.equal(key?.alg, 'RS256');
    assert.ok(key?.kid);
  });
});
