import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: unknown;
  location?: string;
  kind?: string;
  identity?: { type: string };
  scope?: string;
  copy?: { name: string; count: unknown };
  properties: Record<string, unknown>;
}

export interface ArmTemplate {
  parameters: Record<
    string,
    { type: string; defaultValue?: unknown; allowedValues?: unknown[]; maxValue?: number; minValue?: number }
  >;
  variables?: Record<string, unknown>;
  resources: ArmResource[];
  outputs: Record<string, { type: string; value: unknown }>;
}

/** The value at a dotted path (`a.b.0.c`) in parsed JSON, or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Where scripts/bicep-cli.js restores the pinned Bicep CLI from NuGet (npm run infra:check). */
function bicepPath(root: string): string {
  const project = readFileSync(join(root, 'scripts', 'bicep', 'bicep.csproj'), 'utf8');
  const version =
    /Include="Azure\.Bicep\.CommandLine\.linux-x64" Version="\[([^\]]+)\]"/.exec(project)?.[1] ?? 'unpinned';
  return join(root, '.tools', 'nuget', 'azure.bicep.commandline.linux-x64', version, 'tools', 'bicep');
}

function newestSource(root: string): number {
  const walk = (dir: string): number[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [statSync(path).mtimeMs];
    });
  return Math.max(...walk(join(root, 'infra')), statSync(join(root, 'bicepconfig.json')).mtimeMs);
}

/**
 * infra/main.bicep as ARM JSON: dist/infra/main.json when infra:check built it after the last change to
 * infra/, else compiled now. Without the CLI outside CI the caller skips, naming why; in CI it fails.
 */
export function compiledTemplate(root: string): { template?: ArmTemplate; skip?: string } {
  const built = join(root, 'dist', 'infra', 'main.json');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(root))
    return { template: JSON.parse(readFileSync(built, 'utf8')) as ArmTemplate };
  const bicep = bicepPath(root);
  if (!existsSync(bicep)) {
    if (process.env.CI || process.env.SWITCHBOARD_CI)
      throw new Error(`The Bicep CLI is missing at ${bicep}: CI runs npm run infra:check first.`);
    return {
      skip: 'the Bicep CLI is not restored here: run npm run infra:check (dotnet restore from NuGet) to check infra/',
    };
  }
  const run = spawnSync(bicep, ['build', join(root, 'infra', 'main.bicep'), '--stdout'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`bicep build failed:\n${run.stderr}`);
  return { template: JSON.parse(run.stdout) as ArmTemplate };
}

/** The template of the module that `main` deploys as `name` (Bicep's module name). */
export function moduleTemplate(main: ArmTemplate, name: string): ArmTemplate {
  const deployment = main.resources.find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === name);
  if (!deployment) throw new Error(`main.bicep deploys no module named ${name}`);
  return deployment.properties.template as ArmTemplate;
}

/** Every module template `main` deploys, by module name. */
export function moduleTemplates(main: ArmTemplate): [string, ArmTemplate][] {
  return main.resources
    .filter((r) => r.type === 'Microsoft.Resources/deployments')
    .map((r) => [r.name, r.properties.template as ArmTemplate]);
}

const loopItem = /^\[variables\('([^']+)'\)\[copyIndex\(\)\]\.(\w+)\]$/;
const optionalLoopItem = /^\[tryGet\(variables\('([^']+)'\)\[copyIndex\(\)\], '(\w+)'\)\]$/;

/**
 * The resources a copy loop over a template variable creates, with every `item`, `item.field` (and
 * `item.?field`) the loop reads filled in from that variable; other expressions are left as they are. A resource without
 * a loop over a variable comes back alone.
 */
export function expandLoop(template: ArmTemplate, resource: ArmResource): ArmResource[] {
  const loopCount = resource.copy?.count;
  const count =
    typeof loopCount === 'string' ? /^\[length\(variables\('([^']+)'\)\)\]$/.exec(loopCount)?.[1] : undefined;
  const items = count ? (template.variables?.[count] as Record<string, unknown>[]) : undefined;
  if (!items) return [resource];
  const fill = (value: unknown, item: Record<string, unknown>): unknown => {
    if (typeof value === 'string') {
      if (value === `[variables('${count}')[copyIndex()]]`) return item;
      const match = loopItem.exec(value) ?? optionalLoopItem.exec(value);
      if (match) return match[1] === count ? item[match[2]] : value;
      // Inside a larger expression a string field becomes a quoted literal.
      const reference = new RegExp(`variables\\('${count}'\\)\\[copyIndex\\(\\)\\]\\.(\\w+)`, 'g');
      return value.replace(reference, (whole, field: string) =>
        typeof item[field] === 'string' ? `'${item[field]}'` : whole,
      );
    }
    if (Array.isArray(value)) return value.map((v) => fill(v, item));
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, fill(v, item)])
          .filter(([, v]) => v !== undefined),
      );
    return value;
  };
  return items.map((item) => fill(resource, item) as ArmResource);
}
