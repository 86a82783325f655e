import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixture, repoRoot } from './paths';

/**
 * A copy of a fixture app whose own node_modules holds a given install of a package (an npm alias from
 * devDependencies, e.g. `functions-4-0` = @azure/functions@4.0.0), as if the app had pinned that version.
 * No network: `npm ci` installed the aliases; this only links them.
 */
export function appWithLibrary(fixtureName: string, libraries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `sb-${fixtureName}-`));
  cpSync(fixture(fixtureName), dir, { recursive: true });
  for (const [name, installedAs] of Object.entries(libraries)) {
    const installed = join(repoRoot, 'node_modules', installedAs);
    if (!existsSync(installed))
      throw new Error(`${installedAs} is not installed: run npm install (package.json devDependencies name it).`);
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(installed, link, 'dir');
  }
  return dir;
}
