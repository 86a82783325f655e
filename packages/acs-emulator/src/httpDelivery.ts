// One HTTP POST of a JSON body with a timeout; used for callbacks and Event Grid. Never throws.
// On node's http client with connections kept alive rather than fetch: a burst of calls means ten deliveries
// per call, and fetch's streams, abort signals and per-origin pools cost the emulator (which shares the
// machine with the app it drives) several times as much CPU per delivery.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface DeliveryResult {
  status?: number;
  body?: string;
  error?: string;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<DeliveryResult> {
  return new Promise<DeliveryResult>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: `not a URL: ${url}` });
    }
    const secure = target.protocol === 'https:';
    const payload = Buffer.from(JSON.stringify(body));
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    const done = (result: DeliveryResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(payload.length),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => done({ error: error.message }));
      },
    );
    req.on('error', (error) => done({ error: error.message }));
    req.end(payload);
  });
}
