// Just enough of KQL's shape for the infra checks: a query's pipeline stages and the tables it reads.

/** The `|`-separated stages of a query's last statement (after any `let ...;`), outside parentheses and strings. */
export function kqlStages(query: string): string[] {
  const statements = splitTopLevel(query, ';').filter((s) => s.trim());
  return splitTopLevel(statements.at(-1) ?? '', '|').map((s) => s.trim());
}

/** The tables a query reads: its first stage, and what `union`, `join` and `lookup` bring in. */
export function kqlTables(query: string): string[] {
  const tables = new Set<string>();
  for (const statement of splitTopLevel(query, ';')) {
    const body = statement.trim().replace(/^let\s+\w+\s*=\s*/, '');
    const first = /^([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()/.exec(body)?.[1];
    if (first && !/^(print|datatable|range|union)$/.test(first)) tables.add(first);
    for (const m of body.matchAll(/\b(?:union|join|lookup)\b(?:\s+kind\s*=\s*\w+)?\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)/g))
      tables.add(m[1]);
  }
  return [...tables];
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}
