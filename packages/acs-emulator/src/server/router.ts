// Method + path pattern -> route, for every sandbox server that routes by path (the ACS emulator, the console,
// the AI fakes). A route carries whatever its server needs (a handler, the emulator's auth and operation name).

export interface Route {
  method: string;
  pattern: RegExp;
}

export type RouteMatch<R extends Route> =
  | { route: R; params: string[] }
  /** No route: `methodMismatch` when the path exists under another method (405 rather than 404). */
  | { route?: undefined; methodMismatch: boolean };

export class Router<R extends Route> {
  private readonly routes: R[] = [];

  constructor(routes: R[] = []) {
    this.routes.push(...routes);
  }

  add(...routes: R[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** The first route for a request, with its pattern's captures URI-decoded. */
  match(method: string, path: string): RouteMatch<R> {
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
