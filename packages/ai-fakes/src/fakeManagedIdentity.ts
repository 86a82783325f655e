import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';

// The App Service / Functions managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER, plain http as in
// Azure), as @azure/identity's App Service source (MSAL node, AppService.ts) calls it: GET with the
// X-IDENTITY-HEADER secret, api-version=2019-08-01 and the resource; client_id / principal_id / mi_res_id for a
// user-assigned identity. Refusals use the body MSAL reads ({statusCode, message, correlationId}). Each token
// remembers its resource, so a service fake can refuse a token issued for another audience.

export interface FakeManagedIdentity {
  /** http://localhost:{port}/msi/token: IDENTITY_ENDPOINT. */
  endpoint: string;
  /** IDENTITY_HEADER. */
  header: string;
  /** The resource (audience) a token was issued for, if this endpoint issued it. */
  resourceOf(token: string): string | undefined;
  /** The next `count` token requests fail with this status (500: the endpoint failing; 429: throttled). */
  failNext(count: number, status: number): void;
  /** Token requests received, with the status answered. */
  requests: { resource: string; status: number }[];
  server: Server;
}

const API_VERSION = '2019-08-01';

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function fakeManagedIdentity(userAssignedClientIds: string[] = []): Omit<FakeManagedIdentity, 'endpoint'> {
  const header = randomUUID();
  const issued = new Map<string, string>();
  const requests: FakeManagedIdentity['requests'] = [];
  let faults = { remaining: 0, status: 500 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const resource = url.searchParams.get('resource') ?? '';
    const refuse = (status: number, message: string) => {
      requests.push({ resource, status });
      reply(res, status, { statusCode: status, message, correlationId: randomUUID() });
    };
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return refuse(404, 'Not found.');
    if (req.headers['x-identity-header'] !== header) return refuse(401, 'The X-IDENTITY-HEADER is missing or wrong.');
    if (url.searchParams.get('api-version') !== API_VERSION)
      return refuse(400, `The api-version is missing or not supported (${API_VERSION}).`);
    if (!resource) return refuse(400, "The 'resource' query parameter is required.");
    const clientId = url.searchParams.get('client_id');
    if (clientId && !userAssignedClientIds.includes(clientId))
      return refuse(400, 'Unable to load the requested managed identity.');
    if (faults.remaining > 0) {
      faults.remaining -= 1;
      return refuse(faults.status, 'The managed identity endpoint could not issue a token.');
    }
    const token = `fake-mi-${randomUUID()}`;
    issued.set(token, resource.replace(/\/(\.default)?$/, ''));
    requests.push({ resource, status: 200 });
    reply(res, 200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: 'Bearer',
      client_id: clientId ?? '00000000-0000-0000-0000-000000000000',
    });
  });
  return {
    header,
    server,
    requests,
    resourceOf: (token) => issued.get(token),
    failNext(count, status) {
      faults = { remaining: count, status };
    },
  };
}
