#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's built-in runner.
// `npm test -- acs host` runs only the files whose path contains one of the words.
'use strict';
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', 'dist', 'test');
if (!existsSync(root)) {
  console.error('No compiled tests in dist/test: run `npm run build` first (npm test does).');
  process.exit(1);
}
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js')) files.push(path);
  }
})(root);

const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((w) => relative(root, f).includes(w))) : files;
if (selected.length === 0) {
  console.error(`No test files match ${filters.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=spec', ...selected],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
