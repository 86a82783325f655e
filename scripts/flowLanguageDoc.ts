// Writes docs/flow-language.md from the flow language's JSON Schema (the one editors use), so the reference
// cannot drift from what the app accepts. `npm run docs` runs it; a unit test fails when the committed page is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { E164, NAME } from '@switchboard/app/flows/flowSchema';
import { flowJsonSchema } from '@switchboard/app/flows/flowJsonSchema';

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** Fields every step may carry; listed once instead of under each step. */
const COMMON_STEP_FIELDS = ['description', 'onError'];
const PARTICIPANT = '^(\\+[1-9]\\d{1,14}|8:[a-z]+:\\S+)$';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
/** Each definition's section: Step is the Steps section, the others have their own. */
const anchor = (name: string) => (name === 'Step' ? 'steps' : name.toLowerCase());

/** A schema as a short phrase for a table cell. */
function typeOf(schema: Schema): string {
  if (schema.$ref) return `[${refName(schema.$ref)}](#${anchor(refName(schema.$ref))})`;
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' or ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(', or ');
  switch (schema.type) {
    case 'string':
      if (schema.pattern === NAME.source) return 'name';
      if (schema.pattern === E164.source) return 'E.164 number';
      if (schema.pattern === PARTICIPANT) return 'E.164 number or ACS user id (`8:acs:...`)';
      if (schema.pattern === '^\\+\\d{1,15}$') return 'number or prefix (`+1900`)';
      if (schema.format === 'uri') return 'URL';
      return 'text';
    case 'integer':
    case 'number': {
      const max = schema.maximum !== undefined && schema.maximum < 1e9 ? schema.maximum : undefined;
      if (schema.minimum !== undefined && max !== undefined) return `${schema.type} ${schema.minimum}–${max}`;
      return schema.minimum !== undefined ? `${schema.type} ≥ ${schema.minimum}` : schema.type;
    }
    case 'boolean':
      return '`true` or `false`';
    case 'array':
      return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
    case 'object':
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const keys = Object.keys(schema.properties).map((k) => (required.has(k) ? k : `${k}?`));
        return `\`{${keys.join(', ')}}\``;
      }
      if (typeof schema.additionalProperties === 'object') {
        return `map of name to ${typeOf(schema.additionalProperties)}`;
      }
      return 'object';
    default:
      return 'any';
  }
}

/** Rows of a field table; an object field's own fields follow it as `field.sub` rows, a list's as `field[].sub`. */
function rows(schema: Schema, prefix = '', skip: string[] = []): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .flatMap(([name, field]) => {
      const row = `| \`${prefix}${name}\` | ${cell(typeOf(field))} | ${required.has(name) ? 'yes' : ''} | ${cell(field.description ?? '')} |`;
      const item = field.type === 'array' ? field.items : undefined;
      const nested =
        field.type === 'object' && field.properties
          ? rows(field, `${prefix}${name}.`)
          : item?.type === 'object' && item.properties
            ? rows(item, `${prefix}${name}[].`)
            : [];
      return [row, ...nested];
    });
}

function table(schema: Schema, skip: string[] = []): string {
  const body = rows(schema, '', skip);
  if (body.length === 0) return '';
  return ['| field | value | required | meaning |', '| --- | --- | --- | --- |', ...body].join('\n');
}

/** The variants of a union definition (Prompt, Condition), one bullet each. */
function variants(schema: Schema): string {
  const flat = (s: Schema): Schema[] => (s.anyOf ? s.anyOf.flatMap(flat) : [s]);
  const line = (s: Schema): string => {
    if (s.type !== 'object' || !s.properties) return typeOf(s);
    const required = new Set(s.required ?? []);
    return Object.entries(s.properties)
      .map(([key, value]) => {
        const optional = required.has(key) ? '' : ' (optional)';
        const meaning = value.description ? ` (${value.description})` : '';
        return `\`${key}\`${optional}: ${typeOf(value)}${meaning}`;
      })
      .join('; ');
  };
  return flat(schema)
    .map((s) => `- ${line(s)}`)
    .join('\n');
}

/** The page's markdown, before formatting. */
export function flowLanguageMarkdown(schema: Schema & { $defs?: Record<string, Schema> } = flowJsonSchema()): string {
  const defs = schema.$defs ?? {};
  const flow = (schema.properties?.flows?.additionalProperties ?? {}) as Schema;
  const steps = (defs.Step?.anyOf ?? []).map((variant) => {
    const kind = variant.required?.[0] ?? '?';
    const main = variant.properties?.[kind] ?? {};
    const fields = table(variant, [kind, ...COMMON_STEP_FIELDS]);
    return [
      `### \`${kind}\``,
      '',
      `\`${kind}\`: ${typeOf(main)}${main.description ? ` (${main.description})` : ''}`,
      ...(main.type === 'object' && main.properties ? ['', table(main)] : []),
      ...(fields ? ['', 'Beside it, in the step:', '', fields] : []),
    ].join('\n');
  });
  const common = defs.Step?.anyOf?.[0]?.properties ?? {};
  return [
    '# The flow language',
    '',
    '<!-- Generated by `npm run docs` from flows/flow.schema.json (shared/flows/flowSchema.ts). Do not edit. -->',
    '',
    'A flow file (YAML or JSON) holds `flows`: a map of flow name to flow. The app validates every file in',
    '`FLOWS_PATH` at start-up and names the file, the flow, the step and the field of each problem; step',
    'targets that do not exist and steps that cannot be reached are errors too. Editors validate and complete',
    'with `flows/flow.schema.json`, the same schema this page is generated from. Names (of flows, steps and',
    'variables) start with a letter and hold letters, digits, `_` and `-`.',
    '',
    '## A flow',
    '',
    table(flow),
    '',
    '## Steps',
    '',
    'A step does one thing. A step without `next` (or its own way on) ends the call. Every step may also have:',
    '',
    ...COMMON_STEP_FIELDS.filter((f) => common[f]).map(
      (f) => `- \`${f}\`: ${typeOf(common[f])}${common[f].description ? `, ${common[f].description}` : ''}`,
    ),
    '',
    steps.join('\n\n'),
    '',
    '## Prompt',
    '',
    'What the caller hears. Text may hold `{{variable}}`s.',
    '',
    variants(defs.Prompt ?? {}),
    '',
    '## Condition',
    '',
    'A `branch` test. `equals`, `in`, `startsWith`, `matches` and `exists` test a value.',
    '',
    variants(defs.Condition ?? {}),
    '',
  ].join('\n');
}

/** The page as committed: formatted with the repository's Prettier settings. */
export async function flowLanguageDoc(): Promise<string> {
  const path = join(__dirname, '..', '..', 'docs', 'flow-language.md');
  const options = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(flowLanguageMarkdown(), { ...options, parser: 'markdown' });
}

if (require.main === module) {
  void flowLanguageDoc().then((text) => {
    const target = join(__dirname, '..', '..', 'docs', 'flow-language.md');
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  });
}
