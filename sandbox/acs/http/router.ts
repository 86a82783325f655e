// Routes: method + path pattern -> typed handler, with the authentication each operation requires.
import type { IncomingHttpHeaders } from 'node:http';

export type AuthKind = 'hmac' | 'user' | 'none';

export interface RequestContext {
  method: string;
  url: URL;
  /** Decoded path parameters captured by the route pattern. */
  params: string[];
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON body ({} when there is none). */
  body: Record<string, unknown>;
  /** The Communication user of a bearer-authenticated (Chat) request. */
  userId?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  pattern: RegExp;
  auth: AuthKind;
  /** Operation name, as in the timeline. */
  operation: string;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, auth: AuthKind, operation: string, handler: Handler): this {
    this.routes.push({ method, pattern, auth, operation, handler });
    return this;
  }

  addAll(routes: Route[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** The route for a request; `methodMismatch` when the path exists under another method. */
  match(method: string, path: string): { route: Route; params: string[] } | { methodMismatch: boolean } {
    let methodMismatch = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { route, params: m.slice(1).map((p) => safeDecode(p ?? '')) };
    }
    return { methodMismatch };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function route(method: string, pattern: RegExp, auth: AuthKind, operation: string, handler: Handler): Route {
  return { method, pattern, auth, operation, handler };
}
