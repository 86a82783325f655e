import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CallbackTokenOptions } from '@switchboard/core/acs/verifyCallbackToken';
import { relayCallback, type RelayDeps } from '@switchboard/app/call/relayCallback';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;

// A genuine ACS callback token is good for one delivery, whatever claims it carries: Microsoft documents iss, aud
// and exp, never a jti, so the app cannot count on one to refuse a replay.

const ISSUER = 'https://acscallautomation.communication.azure.com';
const AUDIENCE = 'test-acs-resource';

let jose: Jose;
let privateKey: Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];
let server: Server;
let token: CallbackTokenOptions;

before(async () => {
  jose = await import('jose');
  const pair = await jose.generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  token = {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/calling/keys`,
    issuer: ISSUER,
    audience: AUDIENCE,
  };
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A genuine token as ACS might send it: iss, aud, iat, exp and nothing else. */
const genuineWithoutJti = () =>
  new jose.SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

const event = JSON.stringify([
  {
    id: 'e1',
    source: 'calling/callConnections/conn-1',
    type: 'Microsoft.Communication.PlayCompleted',
    specversion: '1.0',
    time: new Date().toISOString(),
    data: { callConnectionId: 'conn-1', serverCallId: 'server-1', operationContext: 'say:1', resultInformation: {} },
  },
]);

/** The app's relay with an in-memory replay table shared by every delivery. */
function app() {
  const seen = new Set<string>();
  const raised: string[] = [];
  const deps: RelayDeps = {
    token,
    secret: 'the-call-secret',
    secretMatches: (_callId, secret) => Promise.resolve(secret === 'the-call-secret'),
    firstUse: (id) => Promise.resolve(!seen.has(id) && Boolean(seen.add(id))),
    release: (id) => Promise.resolve(void seen.delete(id)),
    raise: (_callId, name) => Promise.resolve(void raised.push(name)),
    isOrphan: () => Promise.resolve(false),
    hangUp: () => Promise.resolve(),
  };
  return { deps, raised };
}

describe('a genuine callback token replayed to the app', () => {
  it('is refused the second time although it carries no jti', async () => {
    const { deps, raised } = app();
    const authorization = `Bearer ${await genuineWithoutJti()}`;
    assert.equal((await relayCallback('call-1', authorization, event, deps)).status, 200);
    assert.deepEqual(await relayCallback('call-1', authorization, event, deps), {
      status: 401,
      reason: 'replayed-token',
    });
    assert.deepEqual(raised, ['PlayCompleted'], 'the replay raised nothing');
  });

  it('is refused when its signature is written another way (base64url spare bits)', async () => {
    const { deps } = app();
    const jwt = await genuineWithoutJti();
    assert.equal((await relayCallback('call-1', `Bearer ${jwt}`, event, deps)).status, 200);
    // A 256-byte signature leaves 4 spare bits in its last base64url character: flipping them keeps the bytes.
    const [header, payload, signature] = jwt.split('.');
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(signature.at(-1)!);
    const reencoded = `${signature.slice(0, -1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last ^ 0b11]}`;
    assert.notEqual(reencoded, signature);
    assert.deepEqual(Buffer.from(reencoded, 'base64url'), Buffer.from(signature, 'base64url'));
    const replay = await relayCallback('call-1', `Bearer ${header}.${payload}.${reencoded}`, event, deps);
    assert.deepEqual(replay, { status: 401, reason: 'replayed-token' });
  });

  it('is accepted again when relaying it failed on our side (ACS retries with the same token)', async () => {
    const { deps } = app();
    const authorization = `Bearer ${await genuineWithoutJti()}`;
    let fail = true;
    const flaky: RelayDeps = {
      ...deps,
      raise: () => (fail ? Promise.reject(new Error('storage down')) : Promise.resolve()),
    };
    await assert.rejects(relayCallback('call-1', authorization, event, flaky), /storage down/);
    fail = false;
    assert.equal((await relayCallback('call-1', authorization, event, flaky)).status, 200);
  });
});
