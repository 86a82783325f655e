import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TableClient } from '@azure/data-tables';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';
import { RateCaps } from '@switchboard/app/api/outboundPolicy';

interface Recorded {
  path: string;
  authorization?: string;
  body: string;
}

/** Sits between ACS and the app's callback URL: forwards every callback and keeps a copy, as an eavesdropper would. */
async function startCallbackRecorder(): Promise<{
  url: string;
  target: { url: string };
  seen: Recorded[];
  server: Server;
}> {
  const seen: Recorded[] = [];
  const target = { url: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: Recorded = {
        path: req.url ?? '/',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      };
      fetch(`${target.url}${record.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(record.authorization ? { authorization: record.authorization } : {}),
        },
        body: record.body,
      })
        .then(async (r) => {
          res.writeHead(r.status).end(await r.text());
          // Kept once the app has handled the genuine delivery: a replay comes after it, never in a race with it.
          seen.push(record);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target, seen, server };
}

describe('the locked-down APIs', () => {
  let sb: SwitchboardSandbox;
  let recorder: Awaited<ReturnType<typeof startCallbackRecorder>>;
  const bodies: string[] = [];

  /** POST /api/calls as a given caller, keeping every response body for the leak check. */
  const placeCall = async (body: unknown, token?: string) => {
    const response = await fetch(`${sb.host.url}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    bodies.push(text);
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => JSON.parse(text) as Record<string, string>,
    };
  };
  const createCalls = async () => (await sb.acs.control.timeline({ kind: 'request', operation: 'createCall' })).length;

  before(async () => {
    recorder = await startCallbackRecorder();
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      env: { CALLBACK_BASE_URL: recorder.url, CALLS_PER_MINUTE_PER_CALLER: '2', CAMPAIGN_MAX_CONTACTS: '5' },
    });
    recorder.target.url = sb.host.url;
  });
  after(async () => {
    await sb?.stop();
    recorder?.server.close();
  });

  it('refuses to place a call without a valid Entra token (401) or without the Calls.Place role (403), sending nothing to ACS', async () => {
    const call = { to: '+14255550188', flow: 'reminder' };
    const none = await placeCall(call);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await placeCall(call, 'not-a-jwt')).status, 401);
    assert.equal((await placeCall(call, await sb.entra.token({ override: { aud: 'api://another-app' } }))).status, 401);
    assert.equal((await placeCall(call, await sb.entra.token({ lifetimeSeconds: -3600 }))).status, 401);
    const readOnly = await placeCall(call, await sb.entra.token({ roles: ['Calls.Read'], caller: 'reader' }));
    assert.equal(readOnly.status, 403);
    assert.match(readOnly.json().error, /Calls\.Place/);
    assert.equal(await createCalls(), 0);
  });

  it('refuses a destination outside the allow-list with 403, naming the setting and masking the number', async () => {
    const refused = await placeCall(
      { to: '+33612345678', flow: 'reminder' },
      await sb.entra.token({ caller: 'abroad' }),
    );
    assert.equal(refused.status, 403);
    assert.match(refused.json().error, /OUTBOUND_ALLOWED_PREFIXES/);
    assert.ok(!refused.text.includes('612345678'), 'the refused number is masked');
    assert.equal(await createCalls(), 0);
  });

  it('caps calls per caller with 429 and Retry-After, and the refused request reaches no ACS', async () => {
    const token = await sb.entra.token({ caller: 'dialler' });
    const answers = [];
    // Five requests under a cap of two a minute: even across a minute boundary at most four pass.
    for (let i = 0; i < 5; i++) answers.push(await placeCall({ to: `+1425555020${i}`, flow: 'reminder' }, token));
    const accepted = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length >= 1, `statuses: ${answers.map((a) => a.status).join(',')}`);
    assert.equal(accepted.length + limited.length, 5);
    assert.match(limited[0].json().error, /CALLS_PER_MINUTE_PER_CALLER/);
    assert.ok(Number(limited[0].headers.get('retry-after')) >= 1);
    await waitFor(async () => (await createCalls()) >= accepted.length, { what: 'the accepted calls to reach ACS' });
    assert.equal(await createCalls(), accepted.length, 'only accepted calls reached ACS');
    const other = await placeCall(
      { to: '+14255550299', flow: 'reminder' },
      await sb.entra.token({ caller: 'colleague' }),
    );
    assert.equal(other.status, 202, 'another caller has their own cap');
  });

  it('caps all callers together, in storage every instance shares', async () => {
    const table = TableClient.fromConnectionString(sb.azurite.connectionString, 'capsUnderTest');
    const caps = new RateCaps(table);
    const now = Date.UTC(2026, 10, 30, 12, 0, 30);
    const limits = { perCaller: 10, global: 3 };
    const decisions = [];
    for (const caller of ['a', 'b', 'c', 'd']) decisions.push(await caps.take(caller, limits, now));
    assert.deepEqual(decisions.slice(0, 3), [{ ok: true }, { ok: true }, { ok: true }]);
    assert.deepEqual(decisions[3], { ok: false, scope: 'app', retryAfterSeconds: 30 });
    assert.deepEqual(await caps.take('d', limits, now + 60_000), { ok: true }, 'the next minute is a new window');
  });

  it('refuses a campaign over the size cap (413) or with any contact outside the allow-list (403)', async () => {
    const token = await sb.entra.token({ caller: 'campaigner' });
    const post = async (contacts: { to: string }[]) => {
      const response = await fetch(`${sb.host.url}/api/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ flow: 'reminder', contacts }),
      });
      bodies.push(await response.clone().text());
      return response;
    };
    const tooBig = await post(Array.from({ length: 6 }, (_, i) => ({ to: `+1425555030${i}` })));
    assert.equal(tooBig.status, 413);
    assert.match(((await tooBig.json()) as { error: string }).error, /CAMPAIGN_MAX_CONTACTS/);
    const abroad = await post([{ to: '+14255550301' }, { to: '+861012345678' }]);
    assert.equal(abroad.status, 403);
    const ok = await post([{ to: '+14255550310' }]);
    assert.equal(ok.status, 202);
    const { statusUrl } = (await ok.json()) as { statusUrl: string };
    assert.match(statusUrl, /^\/api\/campaigns\/campaign-/);
    const status = await sb.api(statusUrl);
    assert.equal(status.status, 200);
    bodies.push(await status.text());
    assert.equal((await fetch(`${sb.host.url}${statusUrl}`)).status, 401, 'reads need a token too');
  });

  it('refuses a replayed genuine callback token, and a genuine token sent to another call', async () => {
    const first = await placeCall(
      { to: '+14255550401', flow: 'reminder' },
      await sb.entra.token({ caller: 'replay-a' }),
    );
    const second = await placeCall(
      { to: '+14255550402', flow: 'reminder' },
      await sb.entra.token({ caller: 'replay-b' }),
    );
    const [a, b] = [first.json().callId, second.json().callId];
    const recorded = await waitFor(() => recorder.seen.find((r) => r.path.startsWith(`/api/calls/${a}/events`)), {
      what: 'a genuine callback for the first call',
    });
    assert.match(recorded.path, /\?s=[\w-]{20,}/, 'the callback URL carries the call secret');
    const send = (path: string) =>
      fetch(`${sb.host.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: recorded.authorization ?? '' },
        body: recorded.body,
      });
    const replay = await send(recorded.path);
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), { error: 'replayed-token' });
    const elsewhere = await send(recorded.path.replace(`/api/calls/${a}/`, `/api/calls/${b}/`));
    assert.equal(elsewhere.status, 401);
    assert.deepEqual(await elsewhere.json(), { error: 'wrong-call-secret' });
    const noSecret = await send(`/api/calls/${a}/events`);
    assert.equal(noSecret.status, 401);
    const view = await sb.api(`/api/calls/${a}`);
    bodies.push(await view.text());
    assert.equal(view.status, 200);
  });

  it('never answers with a Durable management URL, a system key or a whole phone number', () => {
    assert.ok(bodies.length >= 10, `only ${bodies.length} responses were collected`);
    for (const body of bodies) {
      assert.ok(!body.includes('runtime/webhooks/durabletask'), `a Durable URL leaked: ${body.slice(0, 200)}`);
      assert.ok(!body.includes('code='), `a key leaked: ${body.slice(0, 200)}`);
      assert.doesNotMatch(body, /\+\d{7,}/, `a whole phone number leaked: ${body.slice(0, 200)}`);
    }
  });
});
