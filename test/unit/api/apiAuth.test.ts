import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { HttpRequest } from '@azure/functions';
import type { Config } from '@switchboard/app/config';
import { closedPort } from '../../support/closedPort';
import { authorizeApi, Roles } from '@switchboard/app/api/apiAuth';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;

const ISSUER = 'https://login.microsoftonline.com/tenant/v2.0';
const AUDIENCE = 'api://switchboard';

let jose: Jose;
let key: Awaited<ReturnType<Jose['generateKeyPair']>>;

before(async () => {
  jose = await import('jose');
  key = await jose.generateKeyPair('RS256', { extractable: true });
});

function configWith(jwksUrl: string): Config {
  return { api: { jwksUrl, issuer: ISSUER, audience: AUDIENCE } } as unknown as Config;
}

async function requestWithToken(): Promise<HttpRequest> {
  const token = await new jose.SignJWT({ roles: [Roles.place], oid: 'caller-1' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(key.privateKey);
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/calls',
    headers: { authorization: `Bearer ${token}` },
  });
}

describe('the API token check', () => {
  it('answers 503 with Retry-After, not 401, when the identity provider keys cannot be fetched', async () => {
    const result = await authorizeApi(
      await requestWithToken(),
      configWith(`http://127.0.0.1:${await closedPort()}/discovery/v2.0/keys`),
      Roles.place,
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.status, 503);
    assert.equal(result.headers['retry-after'], '5');
    assert.match(result.error, /signing keys could not be fetched/);
  });

  it('answers 401 naming the failed check for a token signed with a key the provider does not publish', async () => {
    const other = await jose.generateKeyPair('RS256', { extractable: true });
    const server = createServer((_req, res) => {
      void jose
        .exportJWK(other.publicKey)
        .then((jwk) =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ keys: [{ ...jwk, kid: 'k2', alg: 'RS256', use: 'sig' }] })),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
      const result = await authorizeApi(await requestWithToken(), configWith(url), Roles.place);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.status, 401);
      assert.match(result.error, /\(unknown-key\)/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
