import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppFunction } from '../appLoader';
import type { RpcHttpData, RpcTypedData } from '../coreApi';
import type { Invoker } from '../invoker';
import { compileRoute, type CompiledRoute } from '../routeTemplate';
import { BodyTooLargeError, readBody, sendError } from '../readBody';
import { invokeStreaming } from './httpStreamProxy';

const MAX_BODY = 100 * 1024 * 1024; // the Functions host's default request size limit

interface HttpRoute {
  fn: AppFunction;
  route: CompiledRoute;
  methods?: string[];
  authLevel: string;
}

/** Serves the app's HTTP triggers under the route prefix (`api` unless host.json says otherwise). */
export class HttpTriggerRouter {
  private readonly routes: HttpRoute[] = [];

  constructor(
    functions: Iterable<AppFunction>,
    private readonly invoker: Invoker,
    readonly routePrefix: string,
    private readonly functionKey?: string,
    /** The worker's HTTP proxy when the app streams HTTP (its `HttpUri` capability). */
    private readonly streamUri?: string,
  ) {
    for (const fn of functions) {
      if (fn.trigger.type !== 'httpTrigger' || fn.error) continue;
      const template = typeof fn.trigger.route === 'string' && fn.trigger.route ? fn.trigger.route : fn.name;
      const methods = Array.isArray(fn.trigger.methods)
        ? (fn.trigger.methods as string[]).map((m) => m.toUpperCase())
        : undefined;
      this.routes.push({
        fn,
        route: compileRoute(template),
        methods,
        authLevel: (typeof fn.trigger.authLevel === 'string' ? fn.trigger.authLevel : 'function').toLowerCase(),
      });
    }
    // Literal routes win over parameterised ones, as in ASP.NET routing.
    this.routes.sort((a, b) => paramCount(a.route.template) - paramCount(b.route.template));
  }

  list(): { name: string; route: string; methods: string[]; authLevel: string }[] {
    return this.routes.map((r) => ({
      name: r.fn.name,
      route: `/${this.routePrefix}/${r.route.template}`.replace(/\/+/g, '/'),
      methods: r.methods ?? ['*'],
      authLevel: r.authLevel,
    }));
  }

  /** True when the path belongs to this router (whether or not a function answers it). */
  owns(pathname: string): boolean {
    return (
      this.routePrefix === '' || pathname === `/${this.routePrefix}` || pathname.startsWith(`/${this.routePrefix}/`)
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = this.routePrefix ? url.pathname.slice(this.routePrefix.length + 1) : url.pathname;
    let methodMismatch = false;
    for (const candidate of this.routes) {
      const params = candidate.route.match(path);
      if (!params) continue;
      if (candidate.methods && !candidate.methods.includes(req.method ?? 'GET')) {
        methodMismatch = true;
        continue;
      }
      if (!this.authorized(candidate.authLevel, req, url)) {
        sendError(
          res,
          401,
          `Function "${candidate.fn.name}" requires a function key (authLevel ${candidate.authLevel}).`,
        );
        return;
      }
      await this.invoke(candidate.fn, params, req, res, url);
      return;
    }
    if (methodMismatch) sendError(res, 405, `Method ${req.method} is not allowed on ${url.pathname}.`);
    else sendError(res, 404, `No HTTP function matches ${url.pathname}.`);
  }

  private authorized(level: string, req: IncomingMessage, url: URL): boolean {
    if (!this.functionKey || level === 'anonymous') return true;
    return req.headers['x-functions-key'] === this.functionKey || url.searchParams.get('code') === this.functionKey;
  }

  private async invoke(
    fn: AppFunction,
    params: Record<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers))
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    const http: RpcHttpData = {
      method: req.method ?? 'GET',
      url: url.href,
      headers,
      query: Object.fromEntries(url.searchParams),
      params,
    };
    // The host puts route parameters in the trigger metadata too; the streaming library reads them there.
    const triggerMetadata: Record<string, RpcTypedData> = {
      Query: { json: JSON.stringify(http.query) },
      Headers: { json: JSON.stringify(headers) },
    };
    for (const [name, value] of Object.entries(params)) triggerMetadata[name] ??= { string: value };
    if (this.streamUri) {
      await invokeStreaming(this.streamUri, this.invoker, fn, http, triggerMetadata, req, res);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY);
    } catch (error) {
      sendError(res, error instanceof BodyTooLargeError ? 413 : 400, (error as Error).message);
      return;
    }
    // Like the Functions host, no body when the request has none: @azure/functions 4.0-4.8 build a fetch
    // Request from what they get, and a GET or HEAD Request with a body (even empty) throws.
    if (body.length > 0) http.body = { bytes: body };
    const { response } = await this.invoker.invoke(fn, { trigger: { http }, triggerMetadata });
    const [returnName] =
      Object.entries(fn.metadata.bindings).find(
        ([, b]) => b.direction === 'out' && String(b.type).toLowerCase() === 'http',
      ) ?? [];
    const output =
      returnName === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === returnName)?.data;
    writeHttpResponse(res, output ?? undefined);
  }
}

function paramCount(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}

function writeHttpResponse(res: ServerResponse, data: RpcTypedData | undefined): void {
  const http = data?.http;
  if (!http) {
    // No response set: the Functions host answers 204.
    res.writeHead(204).end();
    return;
  }
  const headers: Record<string, string | string[]> = { ...(http.headers ?? {}) };
  const cookies = (http.cookies ?? []) as {
    name: string;
    value: string;
    path?: string;
    domain?: string;
    maxAge?: number;
    httpOnly?: boolean;
    secure?: boolean;
    sameSite?: number;
  }[];
  if (cookies.length) {
    headers['set-cookie'] = cookies.map((c) => {
      let cookie = `${c.name}=${c.value}`;
      if (c.path) cookie += `; Path=${c.path}`;
      if (c.domain) cookie += `; Domain=${c.domain}`;
      if (c.maxAge) cookie += `; Max-Age=${c.maxAge}`;
      if (c.httpOnly) cookie += '; HttpOnly';
      if (c.secure) cookie += '; Secure';
      return cookie;
    });
  }
  const body = http.body?.bytes
    ? Buffer.from(http.body.bytes)
    : http.body?.string != null
      ? Buffer.from(http.body.string)
      : undefined;
  res.writeHead(Number(http.statusCode ?? 200), headers);
  res.end(body);
}
