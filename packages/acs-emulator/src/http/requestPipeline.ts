// Turns one HTTP request into one Reply: size limit, routing, authentication, content type, JSON parsing,
// repeatability, the handler, and ACS-shaped errors. Nothing a client sends can crash the emulator.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AcsError, acsErrors, toAcsError } from '../errors';
import type { Timeline } from '../timeline';
import { headerValue, verifyHmac } from './hmacAuth';
import { RepeatabilityCache } from './repeatability';
import { BodyTooLargeError, readBody } from '../server/readBody';
import type { AcsRouter, Reply, RequestContext } from './router';

export interface PipelineSettings {
  accessKey: string;
  maxBodyBytes: number;
  maxClockSkewMs: number;
  /** Resolves a Chat bearer token to its Communication user id, or throws a 401 AcsError. */
  verifyUserToken(token: string): Promise<string>;
  /** The server call of a call connection, so the timeline can file requests under their call. */
  serverCallIdOf(callConnectionId: string): string | undefined;
}

export class RequestPipeline {
  private readonly repeatability = new RepeatabilityCache();

  constructor(
    private readonly router: AcsRouter,
    private readonly timeline: Timeline,
    private readonly settings: PipelineSettings,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    this.process(req)
      .catch((err: unknown) => ({
        reply: errorReply(toAcsError(err)),
        operation: undefined,
        callConnectionId: undefined,
      }))
      .then(({ reply, operation, callConnectionId: fromPath }) => {
        const path = (req.url ?? '/').split('?')[0];
        if (!path?.startsWith('/control')) {
          // answer/create/connect name their new call connection only in the response.
          const fromBody = (reply.body as { callConnectionId?: unknown } | undefined)?.callConnectionId;
          const callConnectionId = fromPath ?? (typeof fromBody === 'string' ? fromBody : undefined);
          this.timeline.add({
            kind: 'request',
            method: req.method,
            path,
            operation,
            status: reply.status,
            callConnectionId,
            serverCallId: callConnectionId ? this.settings.serverCallIdOf(callConnectionId) : undefined,
            data: { durationMs: Date.now() - started },
          });
        }
        send(res, reply);
      })
      .catch(() => res.destroy());
  }

  private async process(
    req: IncomingMessage,
  ): Promise<{ reply: Reply; operation?: string; callConnectionId?: string }> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://localhost');
    const rawBody = await readBody(req, this.settings.maxBodyBytes).catch((error: unknown) => {
      throw error instanceof BodyTooLargeError ? acsErrors.payloadTooLarge(error.limit) : error;
    });
    const found = this.router.match(method, url.pathname);
    if (!found.route) {
      throw found.methodMismatch
        ? acsErrors.methodNotAllowed(method)
        : acsErrors.unknownOperation(method, url.pathname);
    }
    const { route, params } = found;
    const ctx: RequestContext = { method, url, params, headers: req.headers, rawBody, body: {} };
    const callConnectionId = url.pathname.startsWith('/calling/callConnections/') ? params[0] : undefined;
    try {
      if (route.auth === 'hmac') {
        verifyHmac(this.settings.accessKey, method, req.url ?? '/', req.headers, rawBody, this.settings.maxClockSkewMs);
      } else if (route.auth === 'user') {
        const auth = headerValue(req.headers, 'authorization') ?? '';
        const m = /^Bearer (.+)$/i.exec(auth);
        if (!m) throw acsErrors.invalidToken('A bearer token is required.');
        ctx.userId = await this.settings.verifyUserToken(m[1]);
      }
      if (rawBody.length > 0) {
        const type = headerValue(req.headers, 'content-type') ?? '';
        if (!/^application\/([\w.+-]+\+)?json\b/i.test(type))
          throw acsErrors.unsupportedMediaType(type.split(';')[0] ?? '');
        let parsed: unknown;
        try {
          parsed = JSON.parse(rawBody.toString('utf8'));
        } catch {
          throw acsErrors.malformedJson();
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          throw acsErrors.invalidBody('The body must be a JSON object.');
        }
        ctx.body = parsed as Record<string, unknown>;
      }
      const repeatId = headerValue(req.headers, 'repeatability-request-id');
      const key = repeatId && route.auth !== 'none' ? `${method} ${url.pathname} ${repeatId}` : undefined;
      const { reply, repeated } = await this.repeatability.run(key, async () => route.handler(ctx));
      const headers = { ...reply.headers };
      if (key) headers['repeatability-result'] = repeated ? 'rejected' : 'accepted';
      return { reply: { ...reply, headers }, operation: route.operation, callConnectionId };
    } catch (err) {
      if (!(err instanceof AcsError)) {
        this.timeline.add({
          kind: 'error',
          type: route.operation,
          error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error',
        });
      }
      return { reply: errorReply(toAcsError(err)), operation: route.operation, callConnectionId };
    }
  }
}

function errorReply(err: AcsError): Reply {
  return { status: err.status, body: err.toBody(), headers: { 'x-ms-error-code': err.code } };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  if (Buffer.isBuffer(reply.body)) {
    res.writeHead(reply.status, {
      'content-type': 'application/octet-stream',
      ...headers,
      'content-length': String(reply.body.length),
    });
    res.end(reply.body);
    return;
  }
  const payload = Buffer.from(JSON.stringify(reply.body));
  res.writeHead(reply.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(payload.length),
  });
  res.end(payload);
}
