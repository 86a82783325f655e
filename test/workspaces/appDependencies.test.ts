import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths';

const run = promisify(execFile);

/** Every package in a workspace's production dependency tree, as npm resolves it. */
async function productionTree(workspace: string): Promise<Set<string>> {
  const { stdout } = await run('npm', ['ls', '-w', workspace, '--omit=dev', '--all', '--parseable'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  const names = stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string })
    .map((p) => p.name);
  return new Set(names);
}

// What must never ship to Azure: the sandbox's packages, the offline NLP models, browsers and test tools.
const SANDBOX_ONLY = [
  '@switchboard/acs-emulator',
  '@switchboard/functions-host',
  '@switchboard/console',
  '@switchboard/ai-fakes',
  '@switchboard/local-ai',
  '@switchboard/sandbox',
  'compromise',
  'wink-nlp',
  'wink-eng-lite-web-model',
  'eld',
  'playwright-core',
  'azurite',
  'typescript',
  'esbuild',
];

describe('the deployed packages', () => {
  it('keeps the sandbox, offline models and tools out of the Function App', async () => {
    const tree = await productionTree('@switchboard/app');
    assert.ok(tree.has('durable-functions') && tree.has('@switchboard/core'), 'the tree was read');
    assert.deepEqual(
      SANDBOX_ONLY.filter((name) => tree.has(name)),
      [],
    );
  });

  it('keeps the app and the sandbox out of the media bridge', async () => {
    const tree = await productionTree('@switchboard/bridge');
    assert.ok(tree.has('ws') && tree.has('@switchboard/core'), 'the tree was read');
    assert.deepEqual(
      [...SANDBOX_ONLY, '@switchboard/app', 'durable-functions', '@azure/functions'].filter((name) => tree.has(name)),
      [],
    );
  });
});
