import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AppFunction } from '../appLoader';
import type { RpcHttpData, RpcTypedData } from '../coreApi';
import type { Invoker } from '../invoker';
import { sendError } from '../readBody';

// Headers that belong to one connection, never forwarded by a proxy (RFC 9110 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * HTTP streaming as the Functions host does it for an app that called `app.setup({ enableHttpStream: true })`:
 * the invocation carries the request's metadata only, and the request itself (body streamed) goes to the
 * worker's HTTP proxy (the `HttpUri` capability) tagged with the invocation id; the function's response
 * streams back from that proxy to the caller.
 */
export async function invokeStreaming(
  streamUri: string,
  invoker: Invoker,
  fn: AppFunction,
  http: RpcHttpData,
  triggerMetadata: Record<string, RpcTypedData>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const invocationId = randomUUID();
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
  headers['x-ms-invocation-id'] = invocationId;
  headers['x-forwarded-host'] = req.headers.host ?? new URL(http.url ?? 'http://localhost').host;
  headers['x-forwarded-proto'] = 'http';

  const proxyRequest = httpRequest(new URL(req.url ?? '/', streamUri), { method: req.method, headers });
  const answered = new Promise<boolean>((resolve) => {
    proxyRequest.once('response', (proxyResponse) => {
      const out: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(proxyResponse.headers))
        if (value !== undefined && !HOP_BY_HOP.has(key) && key !== 'x-ms-invocation-id') out[key] = value;
      res.writeHead(proxyResponse.statusCode ?? 200, out);
      proxyResponse.pipe(res);
      proxyResponse.once('end', () => resolve(true));
      proxyResponse.once('error', () => resolve(false));
    });
    proxyRequest.once('error', () => resolve(false));
  });
  req.pipe(proxyRequest);

  let result: unknown;
  try {
    ({ result } = await invoker.invoke(fn, { invocationId, trigger: { http }, triggerMetadata }));
  } catch (error) {
    proxyRequest.destroy();
    if (res.headersSent) res.destroy();
    else sendError(res, 500, `The function failed: ${(error as Error).message}`);
    return;
  }
  const returnsResponse = Object.entries(fn.metadata.bindings).some(
    ([name, b]) => name === '$return' && b.direction === 'out' && String(b.type).toLowerCase() === 'http',
  );
  if (returnsResponse && result == null) {
    // Nothing was sent through the proxy: the Functions host answers 204, as without streaming.
    proxyRequest.destroy();
    if (!res.headersSent) res.writeHead(204).end();
    return;
  }
  // The library ended its proxy response before the invocation returned; what remains is in flight.
  if (!(await answered) && !res.headersSent) sendError(res, 502, 'The function app closed its HTTP stream.');
}
