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
