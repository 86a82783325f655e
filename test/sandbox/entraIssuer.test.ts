import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startLocalEntraIssuer, type LocalEntraIssuer } from '@switchboard/sandbox/entraIssuer';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;

// The local stand-in for Entra ID must mint what Entra mints (Microsoft identity platform, "Access tokens" and
// "Access token claims reference"), or the app's token check is tested against shapes Azure never sends.

describe('the local Entra issuer', () => {
  let jose: Jose;
  let entra: LocalEntraIssuer;
  const getJson = async (path: string) => {
    const response = await fetch(`${entra.authority}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    jose = await import('jose');
    entra = await startLocalEntraIssuer();
  });
  after(() => entra?.close());

  it("serves the tenant's OpenID metadata for each version with Entra's issuer, pointing at its keys", async () => {
    const v2 = (await getJson(`/${entra.tenantId}/v2.0/.well-known/openid-configuration`)).body;
    assert.equal(v2.issuer, `https://login.microsoftonline.com/${entra.tenantId}/v2.0`);
    assert.equal(v2.jwks_uri, entra.jwksUrl);
    const v1 = (await getJson(`/${entra.tenantId}/.well-known/openid-configuration`)).body;
    assert.equal(v1.issuer, `https://sts.windows.net/${entra.tenantId}/`);
    assert.equal(v1.jwks_uri, `${entra.authority}/${entra.tenantId}/discovery/keys`);
  });

  it('publishes the same key in both key documents, kid equal to x5t, the v2.0 one naming the issuer it signs for', async () => {
    const [v2] = (await getJson(`/${entra.tenantId}/discovery/v2.0/keys`)).body.keys as Record<string, string>[];
    const [v1] = (await getJson(`/${entra.tenantId}/discovery/keys`)).body.keys as Record<string, string>[];
    assert.equal(v2.kid, v2.x5t);
    assert.deepEqual({ ...v2, issuer: undefined }, { ...v1, issuer: undefined });
    assert.equal(v2.issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
    assert.equal(v1.issuer, undefined);
  });

  it('answers a tenant it does not know as Entra does', async () => {
    const { status, body } = await getJson(`/${randomUUID()}/v2.0/.well-known/openid-configuration`);
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_tenant');
    assert.match(String(body.error_description), /^AADSTS90002:/);
  });

  it("mints a v1.0 app-only token as Entra does for the registration's default (accessTokenAcceptedVersion null)", async () => {
    const token = await entra.token({ caller: 'sp-object-id', clientAppId: 'daemon-app-id' });
    const header = jose.decodeProtectedHeader(token);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ', 'x5t']);
    assert.equal(header.x5t, header.kid);
    const { payload } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(entra.jwksUrl)));
    assert.equal(payload.iss, `https://sts.windows.net/${entra.tenantId}/`);
    assert.equal(payload.idp, payload.iss);
    assert.equal(payload.aud, entra.appIdUri);
    assert.equal(payload.ver, '1.0');
    assert.equal(payload.tid, entra.tenantId);
    assert.equal(payload.appid, 'daemon-app-id');
    assert.equal(payload.appidacr, '1');
    assert.equal(payload.oid, 'sp-object-id');
    assert.equal(payload.sub, 'sp-object-id');
    assert.deepEqual(payload.roles, ['Calls.Place', 'Calls.Read', 'Messages.Send']);
    for (const absent of ['azp', 'azpacr', 'scp', 'jti']) assert.ok(!(absent in payload), `${absent} is not in v1.0`);
    assert.ok(typeof payload.uti === 'string' && payload.iat === payload.nbf && payload.exp! > payload.iat!);
  });

  it("mints a v2.0 token with the client id as audience, azp for appid and no x5t, and a person's with scp", async () => {
    const token = await entra.token({ version: 2, scopes: ['user_impersonation'], roles: ['Calls.Read'] });
    const header = jose.decodeProtectedHeader(token);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
    const { payload } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(entra.jwksUrl)));
    assert.equal(payload.iss, `https://login.microsoftonline.com/${entra.tenantId}/v2.0`);
    assert.equal(payload.aud, entra.clientId);
    assert.equal(payload.ver, '2.0');
    assert.equal(payload.scp, 'user_impersonation');
    assert.equal(payload.azpacr, '0', 'a public client: the Azure CLI');
    assert.deepEqual(payload.roles, ['Calls.Read']);
    assert.notEqual(payload.sub, payload.oid, "a person's sub is pairwise, not the object id");
    for (const absent of ['appid', 'appidacr', 'idp', 'unique_name'])
      assert.ok(!(absent in payload), `${absent} is not in v2.0`);
  });

  it('leaves out roles when none are granted, as Entra leaves out a claim without a value', async () => {
    assert.ok(!('roles' in jose.decodeJwt(await entra.token({ roles: [] }))));
  });
});
