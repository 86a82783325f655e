import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/paths';

// The README is the front door: short, and its layout table is the map of the workspaces.

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('the README', () => {
  it('lists every workspace package in its layout table, and only those, each with a README of its own', () => {
    const section = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 3));
    const listed = [...section.matchAll(/\[`packages\/([\w-]+)`\]/g)].map((m) => m[1]).sort();
    const packages = readdirSync(join(repoRoot, 'packages'))
      .filter((name) => existsSync(join(repoRoot, 'packages', name, 'package.json')))
      .sort();
    assert.deepEqual(listed, packages);
    const withoutReadme = packages.filter((name) => !existsSync(join(repoRoot, 'packages', name, 'README.md')));
    assert.deepEqual(withoutReadme, []);
  });

  it('stays a front door: under 250 lines, with the two commands', () => {
    assert.ok(readme.split('\n').length < 250, `${readme.split('\n').length} lines`);
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
  });
});
