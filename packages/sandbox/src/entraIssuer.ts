import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadJose } from '@switchboard/acs-emulator/tokenSigner';

// Microsoft Entra ID as far as the app's API auth sees it: one tenant's signing keys and OpenID metadata, and
// access tokens for one API app registration shaped as Entra mints them (Microsoft identity platform, "Access
// token claims reference"): v1.0 tokens (iss https://sts.windows.net/{tid}/, aud the App ID URI or client id the
// client asked for, appid) and v2.0 tokens (iss https://login.microsoftonline.com/{tid}/v2.0, aud the client id,
// azp); app-only tokens carry roles, a person's tokens scp too. The issuer strings are Entra's own: the app is
// pointed here by API_AUTH_JWKS_URL only.

export const V1_ISSUER = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;
export const V2_ISSUER = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

export interface EntraTokenOptions {
  /** 1 (the default: what Entra issues while the registration's accessTokenAcceptedVersion is null) or 2. */
  version?: 1 | 2;
  /** App roles granted to the client app (app-only) or assigned to the person (delegated). */
  roles?: string[];
  /** Scopes consented for a person (`scp`): makes a delegated token. Absent: an app-only token. */
  scopes?: string[];
  /** The caller's object id (`oid`; also `sub` in an app-only token). */
  caller?: string;
  /** The client application's id (`appid` in v1.0, `azp` in v2.0). */
  clientAppId?: string;
  /** v1.0: what the client asked a token for (the App ID URI by default, or the client id); v2.0 ignores it. */
  requestedResource?: 'appIdUri' | 'clientId';
  /** Another tenant's token for an app of the same client id: Entra signs every tenant's with the same keys. */
  tenantId?: string;
  lifetimeSeconds?: number;
  /** Claims over what Entra would issue (undefined removes one): for tests of tokens Entra never issues. */
  override?: Record<string, unknown>;
}

export interface LocalEntraIssuer {
  tenantId: string;
  /** The API app registration's Application (client) ID (API_AUTH_CLIENT_ID). */
  clientId: string;
  /** Its Application ID URI in the default form api://{client id} (API_AUTH_AUDIENCE). */
  appIdUri: string;
  /** The tenant's v2.0 keys document (API_AUTH_JWKS_URL), which signs v1.0 tokens too. */
  jwksUrl: string;
  /** Stands in for https://login.microsoftonline.com: /{tid}[/v2.0]/.well-known/openid-configuration, keys. */
  authority: string;
  /** An access token for the API as Entra issues one (an app's client-credentials token by default). */
  token(options?: EntraTokenOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalEntraIssuer(): Promise<LocalEntraIssuer> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const appIdUri = `api://${clientId}`;
  // One daemon (service principal and client app) calls unless a token names another.
  const daemon = { caller: randomUUID(), clientAppId: randomUUID() };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Entra's kid and x5t are the base64url SHA-1 thumbprint of the key's certificate; here of the key itself.
  const kid = createHash('sha1')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url');
  const { n, e } = publicKey.export({ format: 'jwk' });
  const key = { kty: 'RSA', use: 'sig', kid, x5t: kid, n, e };

  let authority = '';
  const documents: Record<string, () => unknown> = {
    // The v2.0 keys name the issuer each key signs for; the v1.0 document has no such field.
    [`/${tenantId}/discovery/v2.0/keys`]: () => ({
      keys: [{ ...key, issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }],
    }),
    [`/${tenantId}/discovery/keys`]: () => ({ keys: [key] }),
    [`/${tenantId}/v2.0/.well-known/openid-configuration`]: () =>
      metadata(
        V2_ISSUER(tenantId),
        `${authority}/${tenantId}/discovery/v2.0/keys`,
        `${authority}/${tenantId}/oauth2/v2.0`,
      ),
    [`/${tenantId}/.well-known/openid-configuration`]: () =>
      metadata(V1_ISSUER(tenantId), `${authority}/${tenantId}/discovery/keys`, `${authority}/${tenantId}/oauth2`),
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const document = req.method === 'GET' ? documents[path] : undefined;
    if (document) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(document()));
      return;
    }
    // Entra's answer for a tenant it does not know (AADSTS90002), the likeliest mistake in a URL here.
    const tenant = /^\/([^/]+)\//.exec(path)?.[1];
    if (tenant && tenant !== tenantId) {
      res
        .writeHead(400, { 'content-type': 'application/json; charset=utf-8' })
        .end(
          JSON.stringify({ error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` }),
        );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    tenantId,
    clientId,
    appIdUri,
    jwksUrl: `${authority}/${tenantId}/discovery/v2.0/keys`,
    authority,
    async token(options = {}) {
      const { SignJWT } = await loadJose();
      const version = options.version ?? 1;
      const claims = Object.entries({
        ...entraClaims({
          ...daemon,
          ...options,
          version,
          tenantId: options.tenantId ?? tenantId,
          clientId,
          appIdUri,
        }),
        ...options.override,
      }).filter(([, value]) => value !== undefined);
      // v1.0 headers carry x5t beside kid, v2.0 only kid.
      const header = { typ: 'JWT', alg: 'RS256', ...(version === 1 ? { x5t: kid } : {}), kid };
      return new SignJWT(Object.fromEntries(claims)).setProtectedHeader(header).sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The claims of an access token as Entra writes them for one version and kind (app-only or a person's). */
function entraClaims(
  o: EntraTokenOptions & {
    version: 1 | 2;
    tenantId: string;
    clientId: string;
    appIdUri: string;
    caller: string;
    clientAppId: string;
  },
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const roles = o.roles ?? ['Calls.Place', 'Calls.Read', 'Messages.Send'];
  const delegated = o.scopes !== undefined;
  // 0: a public client (a person signed in to the Azure CLI); 1: a client secret (a daemon).
  const clientAuth = delegated ? '0' : '1';
  const common = {
    // Entra's default lifetime is 60 to 90 minutes, 75 on average.
    iat: now,
    nbf: now,
    exp: now + (o.lifetimeSeconds ?? 75 * 60),
    aio: opaque(40),
    oid: o.caller,
    rh: `1.${opaque(60)}.`,
    // Entra leaves out a claim it has no value for.
    ...(roles.length ? { roles } : {}),
    ...(delegated ? { scp: o.scopes?.join(' '), name: 'Sandbox Developer' } : {}),
    // A person's sub is pairwise (per app); an app-only token's is the service principal's object id.
    sub: delegated ? opaque(43) : o.caller,
    tid: o.tenantId,
    uti: opaque(22),
  };
  if (o.version === 2)
    return {
      aud: o.clientId,
      iss: V2_ISSUER(o.tenantId),
      ...common,
      azp: o.clientAppId,
      azpacr: clientAuth,
      ...(delegated ? { preferred_username: 'developer@sandbox.onmicrosoft.com' } : {}),
      ver: '2.0',
    };
  return {
    aud: o.requestedResource === 'clientId' ? o.clientId : o.appIdUri,
    iss: V1_ISSUER(o.tenantId),
    idp: V1_ISSUER(o.tenantId),
    ...common,
    appid: o.clientAppId,
    appidacr: clientAuth,
    ...(delegated
      ? {
          acr: '1',
          amr: ['pwd'],
          unique_name: 'developer@sandbox.onmicrosoft.com',
          upn: 'developer@sandbox.onmicrosoft.com',
        }
      : {}),
    ver: '1.0',
  };
}

/** The tenant's OpenID Connect metadata, the fields a token validator reads. */
function metadata(issuer: string, jwksUri: string, oauth2: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUri,
    token_endpoint: `${oauth2}/token`,
    authorization_endpoint: `${oauth2}/authorize`,
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
  };
}

const opaque = (length: number) => randomBytes(length).toString('base64url').slice(0, length);
