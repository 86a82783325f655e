import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The managed identity endpoint that App Service and Azure Functions give an app (IDENTITY_ENDPOINT and
// IDENTITY_HEADER, API version 2019-08-01), for one user-assigned identity: DefaultAzureCredential in the app
// gets its tokens here exactly as in Azure. It refuses what the platform refuses: a missing or wrong secret
// header, another API version, no resource, or a client id that is not the identity's.

export interface ManagedIdentityEndpoint {
  /** The identity's client id (AZURE_CLIENT_ID in the app's settings). */
  clientId: string;
  /** The app settings the platform sets: IDENTITY_ENDPOINT, IDENTITY_HEADER and AZURE_CLIENT_ID. */
  env: Record<string, string>;
  /** The access token this endpoint hands out for a resource (a fake service can expect it). */
  tokenFor(resource: string): string;
  /** Resources tokens were issued for, in order. */
  issued: string[];
  close(): Promise<void>;
}

const API_VERSION = '2019-08-01';

export async function startManagedIdentityEndpoint(): Promise<ManagedIdentityEndpoint> {
  const clientId = randomUUID();
  const secret = randomUUID();
  const salt = randomUUID();
  const issued: string[] = [];
  const tokenFor = (resource: string) => `mi-${salt}-${Buffer.from(resource.replace(/\/+$/, '')).toString('hex')}`;
  const refuse = (res: ServerResponse, statusCode: number, message: string) =>
    res.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode, message }));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return refuse(res, 404, 'Not found.');
    if (req.headers['x-identity-header'] !== secret) return refuse(res, 401, 'Missing or invalid X-IDENTITY-HEADER.');
    if (url.searchParams.get('api-version') !== API_VERSION)
      return refuse(res, 400, `Unsupported api-version (use ${API_VERSION}).`);
    const resource = url.searchParams.get('resource');
    if (!resource) return refuse(res, 400, 'The resource parameter is required.');
    const asked = url.searchParams.get('client_id');
    if (url.searchParams.has('mi_res_id') || url.searchParams.has('principal_id') || (asked && asked !== clientId))
      return refuse(res, 400, 'No user-assigned managed identity matches the given identifier.');
    issued.push(resource);
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        access_token: tokenFor(resource),
        expires_on: String(expiresOn),
        resource,
        token_type: 'Bearer',
        client_id: clientId,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://localhost:${(server.address() as AddressInfo).port}/msi/token`;
  return {
    clientId,
    env: { IDENTITY_ENDPOINT: endpoint, IDENTITY_HEADER: secret, AZURE_CLIENT_ID: clientId },
    tokenFor,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
