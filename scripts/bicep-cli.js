// The Bicep CLI from NuGet (package Azure.Bicep.CommandLine.linux-x64, version pinned in
// scripts/bicep/bicep.csproj), restored by `dotnet restore` into .tools/nuget: nothing is downloaded
// from anywhere else. Used by scripts/infra-check.js (npm run infra:check) and the infra tests.
'use strict';
const { existsSync, readFileSync, chmodSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const project = join(__dirname, 'bicep', 'bicep.csproj');
const PACKAGE = 'Azure.Bicep.CommandLine.linux-x64';

function pinnedVersion() {
  const match = /Include="Azure\.Bicep\.CommandLine\.linux-x64" Version="\[([^\]]+)\]"/.exec(
    readFileSync(project, 'utf8'),
  );
  if (!match) throw new Error(`${project} does not pin ${PACKAGE}`);
  return match[1];
}

/** Where the restored CLI lives (it may not exist yet). */
function bicepPath() {
  return join(root, '.tools', 'nuget', PACKAGE.toLowerCase(), pinnedVersion(), 'tools', 'bicep');
}

/** The CLI's path, restoring it from NuGet first when it is missing; throws with the reason when it cannot. */
function ensureBicep() {
  const path = bicepPath();
  if (!existsSync(path)) {
    if (process.platform !== 'linux' || process.arch !== 'x64')
      throw new Error(
        `The pinned Bicep CLI package is ${PACKAGE}; this machine is ${process.platform}-${process.arch}.`,
      );
    const restore = spawnSync('dotnet', ['restore', project, '--packages', join(root, '.tools', 'nuget')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (restore.error)
      throw new Error(`dotnet is needed to restore the Bicep CLI from NuGet: ${restore.error.message}`);
    if (restore.status !== 0)
      throw new Error(
        `dotnet restore could not fetch ${PACKAGE} ${pinnedVersion()}:\n${restore.stdout}${restore.stderr}`,
      );
    if (!existsSync(path)) throw new Error(`dotnet restore succeeded but ${path} is missing`);
  }
  chmodSync(path, 0o755);
  return path;
}

module.exports = { bicepPath, ensureBicep, pinnedVersion };
