import { resolve } from 'node:path';

/** The repository root, from the compiled location dist/test/support. */
export const repoRoot = resolve(__dirname, '..', '..', '..');
export const fixture = (...parts: string[]) => resolve(repoRoot, 'test', 'fixtures', ...parts);
