import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { httpsProxyFromEnv, TunnelPoolAgent } from '../net/tunnelPoolAgent';

/**
 * At most this many connections per storage endpoint. Azurite serves one request at a time and a storage front
 * end gains nothing from more from one instance, so further requests wait in the pool for a free connection,
 * costing nothing, rather than opening one.
 */
export const STORAGE_MAX_SOCKETS = 32;

/**
 * A kept-alive, bounded connection pool for table clients. Each Azure SDK client otherwise builds its own
 * pipeline with its own unbounded pool: a burst of 200 calls, each touching a few tables at once, opened ~380 TLS
 * connections to storage, a handshake each on both ends while the burst was being answered. Behind HTTPS_PROXY,
 * a tunnel pool (NO_PROXY honoured per destination); for a plain-http endpoint with HTTP_PROXY set, the SDK's own.
 */
export function createStorageHttpAgent(plainHttp: boolean): HttpAgent | undefined {
  const options = { keepAlive: true, maxSockets: STORAGE_MAX_SOCKETS };
  if (plainHttp) return process.env.HTTP_PROXY || process.env.http_proxy ? undefined : new HttpAgent(options);
  const proxy = httpsProxyFromEnv();
  return proxy ? new TunnelPoolAgent(proxy, { maxSockets: STORAGE_MAX_SOCKETS }) : new HttpsAgent(options);
}

const shared = new Map<boolean, HttpAgent | undefined>();

/** The app's one pool per scheme, shared by every table client of the process. */
export function storageHttpAgent(plainHttp: boolean): HttpAgent | undefined {
  if (!shared.has(plainHttp)) shared.set(plainHttp, createStorageHttpAgent(plainHttp));
  return shared.get(plainHttp);
}
