import { resolve } from 'node:path';

/** The repository root, from the compiled location dist/test/support. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
/** The Functions app's folder (host.json, flows/): what the host loads and azd deploys. */
export const appDir = resolve(repoRoot, 'packages', 'app');
export const fixture = (...parts: string[]) => resolve(repoRoot, 'test', 'fixtures', ...parts);
