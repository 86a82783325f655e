#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js and packages/*/dist/test/**) with node's built-in runner.
// `npm test -- acs host` runs only the files whose path contains one of the words.
'use strict';
const { readdirSync, statSync, existsSync, readFileSync, writeFileSync, renameSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

// Every workspace's own tests (packages/*/dist/test) and the system tests at the root (dist/test).
const repo = join(__dirname, '..');
const roots = [join(repo, 'dist', 'test')];
for (const name of readdirSync(join(repo, 'packages')).sort()) {
  const dir = join(repo, 'packages', name, 'dist', 'test');
  if (existsSync(dir)) roots.push(dir);
}
if (!existsSync(roots[0])) {
  console.error('No compiled tests in dist/test: run `npm run build` first (npm test does).');
  process.exit(1);
}
const files = [];
(function walkAll() {
  for (const root of roots)
    (function walk(dir) {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.test.js')) files.push(path);
      }
    })(root);
})();
// tsc never deletes output: a test whose source was moved or removed would still run from dist, twice over.
const sourceOf = (file) =>
  relative(repo, file)
    .replace(/(^|\/)dist\//, '$1')
    .replace(/\.js$/, '.ts');
const stale = files.filter((f) => !existsSync(join(repo, sourceOf(f))));
if (stale.length) console.error(`Skipping ${stale.length} compiled test(s) whose source no longer exists.`);
files.splice(0, files.length, ...files.filter((f) => existsSync(join(repo, sourceOf(f)))));

const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((w) => sourceOf(f).includes(w))) : files;
if (selected.length === 0) {
  console.error(`No test files match ${filters.join(', ')}`);
  process.exit(1);
}
// The ACS emulator serves HTTPS with a local CA; NODE_EXTRA_CA_CERTS is read only at process start, so the
// CA must exist before the test process starts and be passed in its environment.
const env = { ...process.env, NODE_ENV: 'test' };
const caScript = join(repo, 'packages', 'acs-emulator', 'dist', 'src', 'certificates.js');
if (existsSync(caScript)) {
  const ca = spawnSync(process.execPath, [caScript], { encoding: 'utf8' });
  let caPath = ca.stdout.trim();
  if (ca.status !== 0 || !caPath) console.error(`Could not create the ACS emulator CA: ${ca.stderr}`);
  else {
    // Only one file can be named: keep a CA bundle the machine already trusts by appending ours to it.
    const existing = env.NODE_EXTRA_CA_CERTS;
    if (existing && existing !== caPath && existsSync(existing)) {
      const bundle = join(dirname(caPath), 'extra-ca-bundle.pem');
      writeFileSync(`${bundle}.${process.pid}`, `${readFileSync(existing, 'utf8')}\n${readFileSync(caPath, 'utf8')}`);
      renameSync(`${bundle}.${process.pid}`, bundle);
      caPath = bundle;
    }
    env.NODE_EXTRA_CA_CERTS = caPath;
  }
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=spec', ...selected],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
