#!/usr/bin/env node
// Stages what the Function App runs into packages/app/artifact, the folder azure.yaml names as the api service's
// `dist`: the compiled functions and sources (JavaScript only), host.json, flows/, a package.json whose main
// names the functions, and exactly the app's production dependencies, as npm resolved them, with npm's nesting.
// azd zips that folder as it is (remoteBuild: false), so nothing prunes the developer's tree and the upload holds
// no compiler, test, sandbox or TypeScript source. It runs at the end of packages/app's `npm run build`, which is
// what azd's build step and its package step both run.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const appDir = path.join(repo, 'packages', 'app');
/** Must match `dist` of the api service in azure.yaml (test/unit/infra checks it). */
const ARTIFACT = 'artifact';
const out = path.join(appDir, ARTIFACT);
const APP = '@switchboard/app';

class StageError extends Error {}

/** Every installed package the app needs at run time, as npm lists it: absolute paths, the repository first. */
function productionTree() {
  const npm = process.env.npm_execpath;
  const args = ['ls', '-w', APP, '--omit=dev', '--all', '--parseable'];
  try {
    const stdout = npm
      ? execFileSync(process.execPath, [npm, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 })
      : execFileSync('npm', args, { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 });
    return [...new Set(stdout.split('\n').filter(Boolean))];
  } catch (error) {
    throw new StageError(
      `npm ls could not list the app's production dependencies (run npm install):\n${error.stderr ?? error}`,
    );
  }
}

/** A hard link where the file system allows one (staging runs twice per deploy), else a copy. */
function place(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(fs.realpathSync(from), to); // the file's content, also behind a symlink
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** Copies a folder's files (following symlinks, as azd's zip does) for which keep(relative path) holds. */
function copyTree(from, to, keep = () => true, rel = '') {
  for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    const source = path.join(from, child);
    const isDir = entry.isSymbolicLink() ? fs.statSync(source).isDirectory() : entry.isDirectory();
    if (!keep(child, isDir)) continue;
    if (isDir) copyTree(from, to, keep, child);
    else place(source, path.join(to, child));
  }
}

/** Compiled JavaScript only: no declarations, source maps, build info or compiled tests. */
const compiledJs = (rel, isDir) =>
  isDir ? !/(^|[\\/])test$/.test(rel) : rel.endsWith('.js') && !rel.endsWith('.test.js');

/** A workspace package's manifest without what only its developers use. */
function runtimeManifest(pkg) {
  const { scripts: _scripts, devDependencies: _dev, ...rest } = pkg;
  return rest;
}

function stageWorkspace(dir, to) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  fs.mkdirSync(to, { recursive: true });
  fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify(runtimeManifest(pkg), null, 2)}\n`);
  const compiled = path.join(dir, 'dist', 'src');
  if (!fs.existsSync(compiled)) throw new StageError(`${pkg.name} is not built (${compiled} is missing)`);
  copyTree(compiled, path.join(to, 'dist', 'src'), compiledJs);
}

function stageApp() {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
  for (const folder of ['functions', 'src']) {
    const compiled = path.join(appDir, 'dist', folder);
    if (!fs.existsSync(compiled)) throw new StageError(`the app is not built (${compiled} is missing): run tsc -b`);
    copyTree(compiled, path.join(out, 'dist', folder), compiledJs);
  }
  copyTree(path.join(appDir, 'flows'), path.join(out, 'flows'));
  place(path.join(appDir, 'host.json'), path.join(out, 'host.json'));
  const { name, version, private: isPrivate, license, description, engines, dependencies } = pkg;
  const manifest = { name, version, private: isPrivate, license, description, main: 'dist/functions/*.js', engines };
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ ...manifest, dependencies }, null, 2)}\n`);
}

function stageDependencies() {
  const tree = productionTree().filter((p) => p !== repo);
  // Workspace packages are symlinks in node_modules: where each one's real folder sits in the artifact.
  const placeOf = new Map([[appDir, '']]);
  for (const p of tree) {
    const real = fs.realpathSync(p);
    if (real !== p && real !== appDir) placeOf.set(real, path.relative(repo, p));
  }
  const destination = (p) => {
    for (const [real, at] of placeOf) if (p === real || p.startsWith(real + path.sep)) return at + p.slice(real.length);
    return path.relative(repo, p);
  };
  for (const p of tree) {
    if (fs.realpathSync(p) === appDir) continue;
    const to = path.join(out, destination(p));
    if (placeOf.has(fs.realpathSync(p))) stageWorkspace(fs.realpathSync(p), to);
    // The package's own files; its nested node_modules are entries of their own when the app needs them.
    else copyTree(p, to, (rel) => rel !== 'node_modules');
  }
}

try {
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  stageApp();
  stageDependencies();
  console.log(`Staged the Function App in ${path.relative(repo, out)} (${Date.now() - started} ms)`);
} catch (error) {
  console.error(`Cannot stage the Function App: ${error instanceof StageError ? error.message : error.stack}`);
  process.exit(1);
}
