import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UnauthorizedError } from '@switchboard/core/errors';
import { closedPort } from '../../support/closedPort';
import {
  CallbackTokenError,
  type CallbackTokenOptions,
  verifyCallbackToken,
} from '@switchboard/core/acs/verifyCallbackToken';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;
type Key = Awaited<ReturnType<Jose['generateKeyPair']>>;

const ISSUER = 'https://acscallautomation.communication.azure.com';
const AUDIENCE = '00000000-1111-2222-3333-444444444444';

let jose: Jose;
let k1: Key;
let k2: Key;
let stranger: Key;

before(async () => {
  jose = await import('jose');
  [k1, k2, stranger] = await Promise.all([1, 2, 3].map(() => jose.generateKeyPair('RS256', { extractable: true })));
});

/** A JWKS endpoint on a free port serving the given keys, counting fetches; `hang()` makes it stop answering. */
async function jwksServer(keys: { key: Key; kid: string }[]) {
  const served = [...keys];
  let fetches = 0;
  let hanging = false;
  const server: Server = createServer(async (_req, res) => {
    fetches += 1;
    if (hanging) return; // never answers: the fetch times out
    const jwks = await Promise.all(
      served.map(async ({ key, kid }) => ({ ...(await jose.exportJWK(key.publicKey)), kid, alg: 'RS256', use: 'sig' })),
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const options: CallbackTokenOptions = {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/calling/keys`,
    issuer: ISSUER,
    audience: AUDIENCE,
    refetchCooldownMs: 0,
  };
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    options,
    served,
    fetches: () => fetches,
    hang: () => {
      hanging = true;
    },
  };
}

async function sign(
  key: Key,
  kid: string,
  claims: Record<string, unknown> = {},
  opts: { exp?: number | string; iss?: string; aud?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(key.privateKey);
}

async function rejects(promise: Promise<unknown>, reason: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof UnauthorizedError, 'is an UnauthorizedError');
    assert.ok(error instanceof CallbackTokenError);
    assert.equal(error.reason, reason);
    return true;
  });
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyCallbackToken', () => {
  it('accepts a valid RS256 token and returns its claims', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const claims = await verifyCallbackToken(await sign(k1, 'k1', { callConnectionId: 'c1' }), options);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.callConnectionId, 'c1');
  });

  it('accepts the whole Authorization header value', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const claims = await verifyCallbackToken(`Bearer ${await sign(k1, 'k1')}`, options);
    assert.equal(claims.aud, AUDIENCE);
  });

  it('rejects a request without a token', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(verifyCallbackToken(undefined, options), 'missing-token');
    await rejects(verifyCallbackToken('', options), 'missing-token');
    await rejects(verifyCallbackToken('Bearer ', options), 'missing-token');
  });

  it('rejects a token signed with another key under a known kid', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(verifyCallbackToken(await sign(stranger, 'k1'), options), 'bad-signature');
  });

  it('rejects an expired token', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(
      verifyCallbackToken(await sign(k1, 'k1', {}, { exp: Math.floor(Date.now() / 1000) - 600 }), options),
      'expired',
    );
  });

  it('rejects a token that is not valid yet', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const nbf = Math.floor(Date.now() / 1000) + 600;
    await rejects(verifyCallbackToken(await sign(k1, 'k1', { nbf }, { exp: nbf + 300 }), options), 'not-yet-valid');
  });

  it('rejects a token for another audience', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(
      verifyCallbackToken(await sign(k1, 'k1', {}, { aud: 'some-other-resource' }), options),
      'wrong-audience',
    );
  });

  it('rejects a token from another issuer', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(
      verifyCallbackToken(await sign(k1, 'k1', {}, { iss: 'https://evil.example' }), options),
      'wrong-issuer',
    );
  });

  it('rejects a token without an expiry', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const token = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(k1.privateKey);
    await rejects(verifyCallbackToken(token, options), 'missing-claim');
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}.`;
    await rejects(verifyCallbackToken(token, options), 'algorithm-not-allowed');
  });

  it('rejects HS256 signed with the public key as the shared secret', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const publicPem = await jose.exportSPKI(k1.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(publicPem));
    await rejects(verifyCallbackToken(token, options), 'algorithm-not-allowed');
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    const [header, payload, signature] = (await sign(k1, 'k1', { callConnectionId: 'c1' })).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${b64({ ...claims, callConnectionId: 'someone-elses-call' })}.${signature}`;
    await rejects(verifyCallbackToken(forged, options), 'bad-signature');
  });

  it('rejects garbage', async () => {
    const { options } = await jwksServer([{ key: k1, kid: 'k1' }]);
    await rejects(verifyCallbackToken('not.a.jwt', options), 'malformed-token');
  });

  it('fetches the JWKS once and refetches it once when a token names an unknown kid', async () => {
    const jwks = await jwksServer([{ key: k1, kid: 'k1' }]);
    await verifyCallbackToken(await sign(k1, 'k1'), jwks.options);
    await verifyCallbackToken(await sign(k1, 'k1'), jwks.options);
    assert.equal(jwks.fetches(), 1, 'keys are cached');
    jwks.served.push({ key: k2, kid: 'k2' }); // ACS rotates its keys
    const claims = await verifyCallbackToken(await sign(k2, 'k2'), jwks.options);
    assert.equal(claims.iss, ISSUER);
    assert.equal(jwks.fetches(), 2, 'exactly one refresh for the new kid');
    await verifyCallbackToken(await sign(k2, 'k2'), jwks.options);
    assert.equal(jwks.fetches(), 2);
  });

  it('does not refetch within the cool-down when tokens spray unknown kids', async () => {
    const jwks = await jwksServer([{ key: k1, kid: 'k1' }]);
    const options = { ...jwks.options, refetchCooldownMs: 60_000 };
    await verifyCallbackToken(await sign(k1, 'k1'), options);
    await rejects(verifyCallbackToken(await sign(stranger, 'nope-1'), options), 'unknown-key');
    await rejects(verifyCallbackToken(await sign(stranger, 'nope-2'), options), 'unknown-key');
    assert.equal(jwks.fetches(), 1);
  });

  it('keeps verifying with the keys it fetched last when fetching them again times out', async () => {
    const jwks = await jwksServer([{ key: k1, kid: 'k1' }]);
    // Every verification refetches (cache age 0), as jose does under load once its cache is 10 minutes old.
    const options = { ...jwks.options, cacheMaxAgeMs: 0, timeoutMs: 200 };
    await verifyCallbackToken(await sign(k1, 'k1'), options);
    jwks.hang();
    const claims = await verifyCallbackToken(await sign(k1, 'k1', { jti: 'second' }), options);
    assert.equal(claims.jti, 'second');
    assert.equal(jwks.fetches(), 2, 'it did try to fetch the keys again');
    await rejects(verifyCallbackToken(await sign(stranger, 'nope'), options), 'unknown-key');
  });

  it('reports unreachable keys as retryable', async () => {
    const port = await closedPort();
    const options: CallbackTokenOptions = {
      jwksUrl: `http://127.0.0.1:${port}/keys`,
      issuer: ISSUER,
      audience: AUDIENCE,
      timeoutMs: 2000,
    };
    await assert.rejects(verifyCallbackToken(await sign(k1, 'k1'), options), (error: unknown) => {
      assert.ok(error instanceof CallbackTokenError);
      assert.equal(error.reason, 'keys-unavailable');
      assert.equal(error.retryable, true);
      return true;
    });
  });
});
