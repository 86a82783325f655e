// What a deployment artifact must not hold: packages outside npm's production tree of the workspace it deploys
// (development dependencies, the sandbox's workspaces), TypeScript sources, declarations and source maps
// anywhere (Node never loads them), and in Switchboard's own compiled code, build info or tests.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { machineEnv, runStep } from './commands';

export interface Allowed {
  workspace: string;
  /** Package names in npm's production tree of the workspace. */
  production: Set<string>;
  /** Names declared as development dependencies anywhere in the repository, and every workspace's name. */
  developmentOnly: Set<string>;
}

const readName = (dir: string): string | undefined => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
};

/** npm's own answer to "what does this workspace need at run time", as package names. */
export async function allowedPackages(repo: string, workspace: string): Promise<Allowed> {
  const listing = await runStep(
    `npm ls ${workspace}`,
    `npm ls -w ${workspace} --omit=dev --all --parseable`,
    repo,
    machineEnv(),
  );
  const production = new Set(
    listing
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('/') && line !== repo)
      .map(readName)
      .filter((name): name is string => !!name),
  );
  const manifests = [join(repo, 'package.json')];
  for (const name of readdirSync(join(repo, 'packages'))) manifests.push(join(repo, 'packages', name, 'package.json'));
  const developmentOnly = new Set<string>();
  for (const file of manifests.filter((f) => existsSync(f))) {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; devDependencies?: Record<string, string> };
    for (const name of [pkg.name, ...Object.keys(pkg.devDependencies ?? {})])
      if (!production.has(name)) developmentOnly.add(name);
  }
  return { workspace, production, developmentOnly };
}

/** Every installed package folder under `dir`/node_modules (nested ones too), relative to `dir`. */
function packageFolders(dir: string, rel = 'node_modules'): string[] {
  const base = join(dir, rel);
  if (!existsSync(base)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .bin, .package-lock.json
    const names = entry.name.startsWith('@')
      ? readdirSync(join(base, entry.name)).map((n) => join(entry.name, n))
      : [entry.name];
    for (const name of names) {
      const folder = join(rel, name);
      found.push(folder);
      // A workspace link points into packages/, which is checked as Switchboard's own code.
      if (!lstatSync(join(dir, folder)).isSymbolicLink())
        found.push(...packageFolders(dir, join(folder, 'node_modules')));
    }
  }
  return found;
}

/** Files Node never loads: TypeScript sources and declarations, source maps. */
const NOT_RUN = /\.([cm]?ts|map)$/;

function codeProblem(file: string): string | undefined {
  if (file.endsWith('.d.ts')) return 'type declarations (nothing reads them at run time)';
  if (file.endsWith('.ts')) return 'a TypeScript source';
  if (file.endsWith('.map')) return 'a source map of sources that are not shipped';
  if (file.endsWith('.tsbuildinfo')) return 'compiler build info';
  if (file.endsWith('.test.js') || file.split(sep).some((part) => part === 'test' || part === 'tests')) return 'a test';
  return undefined;
}

/** Files of Switchboard's own code under `rel` (never inside node_modules). */
function ownFiles(dir: string, rel: string): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(join(dir, at), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(join(at, entry.name));
      else files.push(join(at, entry.name));
    }
  };
  if (existsSync(join(dir, rel))) walk(rel);
  return files;
}

/**
 * Problems with an artifact folder: `ownCode` are the folders (relative) holding Switchboard's compiled code.
 * Empty when the artifact holds only what the workspace needs at run time.
 */
export function artifactProblems(dir: string, allowed: Allowed, ownCode: string[]): string[] {
  const problems: string[] = [];
  for (const folder of packageFolders(dir)) {
    const name = readName(join(dir, folder));
    if (!name) problems.push(`${folder}: a folder in node_modules with no package.json`);
    else if (allowed.developmentOnly.has(name))
      problems.push(
        `${folder}: ${name} is ${name.startsWith('@switchboard/') ? 'a sandbox or tooling workspace' : 'a development dependency'}, not needed by ${allowed.workspace} at run time`,
      );
    else if (!allowed.production.has(name))
      problems.push(`${folder}: ${name} is not in npm's production tree of ${allowed.workspace}`);
  }
  const isOwn = (folder: string) => ownCode.some((r) => r !== '.' && (folder === r || folder.startsWith(r + sep)));
  for (const folder of packageFolders(dir)) {
    if (lstatSync(join(dir, folder)).isSymbolicLink() || isOwn(folder)) continue;
    const unused = ownFiles(dir, folder).filter((file) => NOT_RUN.test(file)).length;
    if (unused)
      problems.push(`${folder}: ${unused} TypeScript sources, declarations or source maps (Node never loads them)`);
  }
  for (const rel of ownCode)
    for (const file of ownFiles(dir, rel)) {
      const problem = codeProblem(file);
      if (problem) problems.push(`${relative(dir, join(dir, file))}: ${problem}`);
    }
  return problems;
}
