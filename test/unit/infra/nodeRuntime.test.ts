import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../support/paths';

const run = promisify(execFile);
const read = (...parts: string[]) => readFileSync(join(repoRoot, ...parts), 'utf8');

/** The Node major the Function App runs on Flex Consumption (functionAppConfig.runtime). */
const deployedMajor = () => {
  const match = /runtime: \{\s*name: 'node'\s*version: '(\d+)'/.exec(read('infra', 'modules', 'function-app.bicep'));
  assert.ok(match, 'function-app.bicep names a node runtime version');
  return Number(match[1]);
};

describe('the Node runtime', () => {
  it('runs the tests on the Node major the Function App and the bridge image run', () => {
    const major = deployedMajor();
    assert.equal(Number(process.versions.node.split('.')[0]), major, `tests run on Node ${process.version}`);
    const bases = [...read('packages', 'bridge', 'Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    assert.ok(
      bases.length > 0 && bases.every((b) => b === major),
      `the bridge image is built FROM node:${bases.join(', ')}`,
    );
  });

  it('declares it in every package.json, and npm brings it for scripts and tests', () => {
    const major = deployedMajor();
    const manifests = [
      'package.json',
      ...readdirSync(join(repoRoot, 'packages')).map((p) => join('packages', p, 'package.json')),
    ];
    for (const file of manifests)
      assert.equal((JSON.parse(read(file)) as { engines?: { node?: string } }).engines?.node, `>=${major}`, file);
    const root = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    assert.match(root.devDependencies.node, new RegExp(`^\\^${major}\\.`), 'the node package (a Node build on npm)');
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string }> };
    assert.equal(Number(lock.packages['node_modules/node'].version.split('.')[0]), major);
  });

  it('installs without a package saying this Node is too old or too new (EBADENGINE)', async () => {
    // npm itself on the Node that runs the tests, as .ci/run runs `npm ci`.
    const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter) };
    const { stdout, stderr } = await run(
      'npm',
      ['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: repoRoot, env, maxBuffer: 16 << 20 },
    );
    const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => line.includes('EBADENGINE'));
    assert.deepEqual(warnings, []);
  });
});
