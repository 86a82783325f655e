// Routes: method + path pattern -> typed handler, with the authentication each operation requires.
import type { IncomingHttpHeaders } from 'node:http';
import type { Route as HttpRoute, Router } from '../server/router';

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

export interface Route extends HttpRoute {
  auth: AuthKind;
  /** Operation name, as in the timeline. */
  operation: string;
  handler: Handler;
}

export type AcsRouter = Router<Route>;

export function route(method: string, pattern: RegExp, auth: AuthKind, operation: string, handler: Handler): Route {
  return { method, pattern, auth, operation, handler };
}
