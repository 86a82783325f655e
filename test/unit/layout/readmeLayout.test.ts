import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/paths';

// The README's layout section is the map of the tree: it must name every top-level folder, and nothing else.

function layoutFolders(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  // A folder starts a line or follows a gap of two or more spaces; sub-folders inside a description do not.
  return [...block.matchAll(/(?:^|(?<=\S) {2,})([a-z][\w.-]*)\/(?= )/gm)].map((m) => m[1]).sort();
}

describe("the README's layout section", () => {
  it('names every top-level folder of the tree, and only those', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n');
    const folders = [
      ...new Set(tracked.filter((f) => f.includes('/') && existsSync(join(repoRoot, f))).map((f) => f.split('/')[0])),
    ]
      .filter((name) => !name.startsWith('.'))
      .sort();
    assert.deepEqual(layoutFolders(readFileSync(join(repoRoot, 'README.md'), 'utf8')), folders);
  });
});
