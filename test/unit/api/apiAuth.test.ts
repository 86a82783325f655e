import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpRequest } from '@azure/functions';
import { entraIssuers, type Config } from '@switchboard/app/config';
import { closedPort } from '../../support/closedPort';
import { authorizeApi, DELEGATED_SCOPE, Roles } from '@switchboard/app/api/apiAuth';
import { startLocalEntraIssuer, V1_ISSUER, V2_ISSUER, type LocalEntraIssuer } from '@switchboard/sandbox/entraIssuer';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;

let jose: Jose;
let entra: LocalEntraIssuer;

before(async () => {
  jose = await import('jose');
  entra = await startLocalEntraIssuer();
});
after(() => entra.close());

/** The app's settings for the local issuer's tenant and app registration, keys from `jwksUrl`. */
function configFor(jwksUrl = entra.jwksUrl): Config {
  const api = {
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    appIdUri: entra.appIdUri,
    issuers: entraIssuers(entra.tenantId),
    jwksUrl,
  };
  return { api } as unknown as Config;
}

const requestWith = (token: string) =>
  new HttpRequest({ method: 'POST', url: 'http://localhost/api/calls', headers: { authorization: `Bearer ${token}` } });

const check = async (token: string, role: string = Roles.place, config = configFor()) =>
  authorizeApi(requestWith(token), config, role);

describe('the API token check, with tokens shaped as Entra issues them', () => {
  const accepted: Array<[string, () => Promise<string>]> = [
    [
      'accepts a v1.0 app-only token for the App ID URI (the registration docs/deploy.md creates, client credentials)',
      () => entra.token({ version: 1 }),
    ],
    [
      'accepts a v1.0 app-only token requested by the client id, whose audience is the client id',
      () => entra.token({ version: 1, requestedResource: 'clientId' }),
    ],
    [
      'accepts a v2.0 app-only token (accessTokenAcceptedVersion 2), whose audience is the client id',
      () => entra.token({ version: 2 }),
    ],
    [
      'accepts a v1.0 token of a person signed in to the Azure CLI, with the delegated scope and an assigned role',
      () => entra.token({ version: 1, scopes: [DELEGATED_SCOPE] }),
    ],
    [
      'accepts a v2.0 token of a person, with the delegated scope and an assigned role',
      () => entra.token({ version: 2, scopes: [DELEGATED_SCOPE] }),
    ],
  ];
  for (const [name, token] of accepted) {
    it(name, async () => {
      const result = await check(await token());
      assert.equal(result.ok, true, JSON.stringify(result));
    });
  }

  it('names the caller by its object id, the same in either version', async () => {
    const caller = randomUUID();
    for (const version of [1, 2] as const)
      assert.deepEqual(await check(await entra.token({ version, caller })), { ok: true, caller });
  });

  const other = randomUUID();
  const refused: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'refuses a v2.0 token for the App ID URI: Entra always names the client id in v2.0',
      () => entra.token({ version: 2, override: { aud: entra.appIdUri } }),
      /\(wrong-audience\)/,
    ],
    [
      'refuses a v1.0 issuer on a token that says it is v2.0',
      () => entra.token({ version: 2, override: { iss: V1_ISSUER(entra.tenantId) } }),
      /\(wrong-issuer\)/,
    ],
    [
      'refuses a v2.0 issuer on a token that says it is v1.0',
      () => entra.token({ version: 1, override: { iss: V2_ISSUER(entra.tenantId) } }),
      /\(wrong-issuer\)/,
    ],
    [
      'refuses a token Entra issued in another tenant (signed with the same keys)',
      () => entra.token({ tenantId: other }),
      /\(wrong-tenant\)/,
    ],
    [
      "refuses a token whose tid is this tenant's but whose issuer is another tenant's",
      () => entra.token({ override: { iss: V1_ISSUER(other) } }),
      /\(wrong-issuer\)/,
    ],
    [
      'refuses a token for another API',
      () => entra.token({ override: { aud: `api://${randomUUID()}` } }),
      /\(wrong-audience\)/,
    ],
    ['refuses an expired token', () => entra.token({ lifetimeSeconds: -3600 }), /\(expired\)/],
    [
      'refuses a token not valid yet',
      () => entra.token({ override: { nbf: Math.floor(Date.now() / 1000) + 3600 } }),
      /\(not-yet-valid\)/,
    ],
    ['refuses a token without a version', () => entra.token({ override: { ver: undefined } }), /\(missing-claim\)/],
    [
      'refuses a token of a version Entra does not issue',
      () => entra.token({ override: { ver: '3.0' } }),
      /\(unknown-version\)/,
    ],
  ];
  for (const [name, token, reason] of refused) {
    it(`${name}, with 401 naming the failed check`, async () => {
      const result = await check(await token());
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.status, 401);
      assert.match(result.error, reason);
      assert.match(result.headers['www-authenticate'], /^Bearer /);
    });
  }

  it('refuses a token signed with a shared secret (HS256), whatever it claims', async () => {
    const claims = jose.decodeJwt(await entra.token());
    const forged = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('a secret anyone could guess, 32 bytes+'));
    const result = await check(forged);
    assert.ok(!result.ok && result.status === 401 && /\(algorithm-not-allowed\)/.test(result.error));
  });

  it('refuses with 403 a token without the role the API needs, naming the role', async () => {
    for (const token of [await entra.token({ roles: [] }), await entra.token({ roles: [Roles.read], version: 2 })]) {
      const result = await check(token, Roles.place);
      assert.ok(!result.ok && result.status === 403, JSON.stringify(result));
      assert.match(result.error, /app role "Calls\.Place"/);
    }
  });

  it("refuses with 403 a person's token without the API's delegated scope, whatever roles it has", async () => {
    const result = await check(await entra.token({ scopes: ['Other.Scope'] }));
    assert.ok(!result.ok && result.status === 403, JSON.stringify(result));
    assert.match(result.error, /delegated scope "user_impersonation"/);
  });

  it('answers 503 with Retry-After, not 401, when the identity provider keys cannot be fetched', async () => {
    const result = await check(
      await entra.token(),
      Roles.place,
      configFor(`http://127.0.0.1:${await closedPort()}/discovery/v2.0/keys`),
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
            .end(JSON.stringify({ keys: [{ ...jwk, kid: 'k2', use: 'sig' }] })),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
      const result = await check(await entra.token(), Roles.place, configFor(url));
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
