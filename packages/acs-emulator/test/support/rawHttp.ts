// Hand-made HTTPS requests for the negative cases the SDK never sends (unsigned, mis-signed, malformed).
// Signing is re-implemented here from the wire doc, independently of the emulator's verifier.
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export function sign(
  accessKey: string,
  method: string,
  url: URL,
  body: string,
  date = new Date().toUTCString(),
): Record<string, string> {
  const hash = createHash('sha256').update(body).digest('base64');
  const query = url.searchParams.toString();
  const stringToSign = `${method}\n${url.pathname}${query ? `?${query}` : ''}\n${date};${url.host};${hash}`;
  const signature = createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign).digest('base64');
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

export function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // keep text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A correctly signed JSON request. */
export function signedJson(
  accessKey: string,
  endpoint: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<RawResponse> {
  const url = new URL(path, endpoint);
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { ...sign(accessKey, method, url, text), ...extraHeaders };
  if (text) headers['content-type'] = 'application/json';
  return send(url, method, headers, text || undefined);
}
