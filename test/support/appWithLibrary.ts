import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
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
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', installedAs), link, 'dir');
  }
  return dir;
}
