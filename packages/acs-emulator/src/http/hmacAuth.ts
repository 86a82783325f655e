// Verifies ACS HMAC-SHA256 request signing exactly as communication-common signs:
// VERB\npathAndQuery\nx-ms-date;host;x-ms-content-sha256, keyed with the base64-decoded access key.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { acsErrors } from '../errors';

export function contentHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

/**
 * The signature over a request. `host` is the Host header exactly as sent: the service signs the header's
 * value, not a host it re-derives (communication-common 2.4.0 sends "host:port:port" on a non-default port).
 */
export function signRequest(
  accessKey: string,
  method: string,
  url: URL,
  host: string,
  date: string,
  hash: string,
): string {
  const query = url.searchParams.toString();
  const pathAndQuery = query ? `${url.pathname}?${query}` : url.pathname;
  const stringToSign = `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${hash}`;
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

/** Throws a 401 AcsError unless the request carries a valid, fresh HMAC signature. */
export function verifyHmac(
  accessKey: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  maxSkewMs: number,
): void {
  const auth = headerValue(headers, 'authorization');
  const date = headerValue(headers, 'x-ms-date') ?? headerValue(headers, 'date');
  const claimedHash = headerValue(headers, 'x-ms-content-sha256');
  // Recording downloads are signed for the resource endpoint (x-ms-host) and its path without query, then
  // sent to the *.asm.skype.com host: verify what the SDK signed.
  const forwardedHost = headerValue(headers, 'x-ms-host');
  const host = forwardedHost ?? headerValue(headers, 'host');
  if (forwardedHost) path = path.split('?')[0] ?? path;
  if (!auth) throw acsErrors.unauthenticated('The request is not signed.');
  const m = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
  if (!m) throw acsErrors.unauthenticated('The Authorization header is not an HMAC-SHA256 signature.');
  if (m[1].toLowerCase() !== 'x-ms-date;host;x-ms-content-sha256') {
    throw acsErrors.unauthenticated('SignedHeaders must be x-ms-date;host;x-ms-content-sha256.');
  }
  if (!date || !claimedHash || !host)
    throw acsErrors.unauthenticated('x-ms-date, host and x-ms-content-sha256 are required.');
  const when = Date.parse(date);
  if (Number.isNaN(when) || Math.abs(Date.now() - when) > maxSkewMs) {
    throw acsErrors.unauthenticated('The request date is outside the allowed clock skew.');
  }
  if (claimedHash !== contentHash(body)) throw acsErrors.unauthenticated('The content hash does not match the body.');
  // Only the path and query come from the URL; a fixed base keeps an odd Host header from throwing.
  const url = new URL(path, 'https://localhost');
  const expected = Buffer.from(signRequest(accessKey, method, url, host, date, claimedHash));
  const actual = Buffer.from(m[2]);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw acsErrors.unauthenticated('The signature does not match.');
  }
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
