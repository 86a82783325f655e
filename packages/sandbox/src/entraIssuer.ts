import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { TokenSigner } from '@switchboard/acs-emulator/tokenSigner';

// Microsoft Entra ID as far as the app's API auth sees it: a tenant's v2.0 issuer and its published
// signing keys (JWKS), with keys generated at start. The app is pointed here by settings only
// (API_AUTH_ISSUER / API_AUTH_JWKS_URL); tests and `npm start` mint access tokens with app roles.

export interface LocalEntraIssuer {
  tenantId: string;
  audience: string;
  issuer: string;
  jwksUrl: string;
  /** An app-only access token for the API, as Entra issues one for the client credentials flow. */
  token(options?: { roles?: string[]; caller?: string; audience?: string; lifetimeSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalEntraIssuer(audience = 'api://switchboard-sandbox'): Promise<LocalEntraIssuer> {
  const tenantId = randomUUID();
  const signer = new TokenSigner();
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === `/${tenantId}/discovery/v2.0/keys`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [signer.jwk()] }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${tenantId}`;
  const issuer = `${base}/v2.0`;
  return {
    tenantId,
    audience,
    issuer,
    jwksUrl: `${base}/discovery/v2.0/keys`,
    token: (options = {}) => {
      const caller = options.caller ?? 'sandbox-client';
      return signer.sign(
        {
          iss: issuer,
          aud: options.audience ?? audience,
          tid: tenantId,
          oid: caller,
          azp: caller,
          sub: caller,
          roles: options.roles ?? ['Calls.Place', 'Calls.Read', 'Messages.Send'],
          ver: '2.0',
        },
        options.lifetimeSeconds ?? 3600,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
