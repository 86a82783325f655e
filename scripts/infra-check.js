#!/usr/bin/env node
// npm run infra:check: compiles infra/main.bicep to ARM JSON (dist/infra/main.json, which the infra
// tests read) and lints it. Fails on any compile error and on every linter rule bicepconfig.json sets
// to "error"; warnings are printed.
'use strict';
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensureBicep, pinnedVersion } = require('./bicep-cli');

const root = join(__dirname, '..');
let bicep;
try {
  bicep = ensureBicep();
} catch (error) {
  console.error(`infra:check: ${error.message}`);
  process.exit(1);
}
mkdirSync(join(root, 'dist', 'infra'), { recursive: true });
const steps = [
  ['build', ['build', 'infra/main.bicep', '--outfile', 'dist/infra/main.json']],
  ['lint', ['lint', 'infra/main.bicep']],
];
for (const [name, args] of steps) {
  const run = spawnSync(bicep, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const output = `${run.stdout}${run.stderr}`.trim();
  if (output) console.log(output);
  const errors = output.split('\n').filter((line) => / : Error /.test(line));
  if (run.status !== 0 || errors.length) {
    console.error(`infra:check: bicep ${name} failed (${errors.length} error(s)).`);
    process.exit(1);
  }
}
console.log(`infra:check: infra/main.bicep compiles and lints clean (Bicep CLI ${pinnedVersion()} from NuGet).`);
