// ASP.NET-style route templates as HTTP triggers declare them: `calls/{callId}/events`, optional
// `{id?}`, catch-all `{*rest}`, and the common constraints (`{n:int}`, `{id:guid}`, `{x:alpha}`).

export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  guid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  alpha: '[A-Za-z]+',
  bool: 'true|false|True|False',
};

export function compileRoute(template: string): CompiledRoute {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter(Boolean);
  let pattern = '^';
  const names: string[] = [];
  for (const segment of segments) {
    const whole = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(segment);
    if (whole) {
      const [, catchAll, name, constraint, optional] = whole;
      names.push(name);
      const body = catchAll
        ? '.*'
        : constraint && CONSTRAINTS[constraint.toLowerCase()]
          ? CONSTRAINTS[constraint.toLowerCase()]
          : '[^/]+';
      pattern += optional || catchAll ? `(?:/(?<${name}>${body}))?` : `/(?<${name}>${body})`;
      continue;
    }
    // Literal text, possibly with embedded parameters (`{name}.{ext}`).
    pattern += '/';
    let rest = segment;
    while (rest.length) {
      const open = rest.indexOf('{');
      if (open < 0) {
        pattern += escape(rest);
        break;
      }
      pattern += escape(rest.slice(0, open));
      const close = rest.indexOf('}', open);
      if (close < 0) throw new Error(`Route template "${template}" has an unclosed "{".`);
      const name = rest
        .slice(open + 1, close)
        .split(':')[0]
        .replace(/\?$/, '');
      names.push(name);
      pattern += `(?<${name}>[^/]+?)`;
      rest = rest.slice(close + 1);
    }
  }
  pattern += '/?$';
  const regex = new RegExp(pattern, 'i');
  return {
    template,
    match(path: string) {
      const m = regex.exec(path.startsWith('/') || path === '' ? path : `/${path}`);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      for (const name of names) {
        const value = m.groups?.[name];
        if (value !== undefined) params[name] = decodeURIComponent(value);
      }
      return params;
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
