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

/**
 * What Node never loads from a package: TypeScript sources and declarations, and source maps (the app does not
 * run with --enable-source-maps). Two thirds of the files npm installs; leaving them out halves the upload.
 */
const NOT_RUN = /\.([cm]?ts|map)$/;

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

/** Files the artifact must hold, relative to it; anything else found there afterwards is removed. */
const wanted = new Set();

/**
 * A hard link where the file system allows one, else a copy. Staging runs twice per deploy (azd builds twice):
 * a file already linked to the same content stays, so the second run, and any run after a small change,
 * only touches what changed (deleting and relinking 20,000 files costs seconds on a slow disk).
 */
function place(from, to) {
  wanted.add(path.relative(out, to));
  const source = fs.statSync(from);
  const existing = fs.lstatSync(to, { throwIfNoEntry: false });
  if (existing && existing.ino === source.ino && existing.dev === source.dev) return;
  if (existing) fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(fs.realpathSync(from), to); // the file's content, also behind a symlink
  } catch {
    fs.copyFileSync(from, to);
  }
}

/** Writes a generated file unless it already holds exactly that text. */
function writeText(to, text) {
  wanted.add(path.relative(out, to));
  if (fs.existsSync(to) && fs.readFileSync(to, 'utf8') === text) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.rmSync(to, { force: true }); // never write through a hard link into node_modules
  fs.writeFileSync(to, text);
}

/** Removes what an earlier staging left that this one did not place; returns how many files went. */
function removeUnwanted(rel = '') {
  let removed = 0;
  for (const entry of fs.readdirSync(path.join(out, rel), { withFileTypes: true })) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      removed += removeUnwanted(child);
      if (fs.readdirSync(path.join(out, child)).length === 0) fs.rmdirSync(path.join(out, child));
    } else if (!wanted.has(child)) {
      fs.rmSync(path.join(out, child));
      removed++;
    }
  }
  return removed;
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
  writeText(path.join(to, 'package.json'), `${JSON.stringify(runtimeManifest(pkg), null, 2)}\n`);
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
  writeText(path.join(out, 'package.json'), `${JSON.stringify({ ...manifest, dependencies }, null, 2)}\n`);
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
    else copyTree(p, to, (rel, isDir) => rel !== 'node_modules' && (isDir || !NOT_RUN.test(rel)));
  }
}

try {
  const started = Date.now();
  fs.mkdirSync(out, { recursive: true });
  stageApp();
  stageDependencies();
  const removed = removeUnwanted();
  const took = `${wanted.size} files, ${removed} removed, ${Date.now() - started} ms`;
  console.log(`Staged the Function App in ${path.relative(repo, out)} (${took})`);
} catch (error) {
  console.error(`Cannot stage the Function App: ${error instanceof StageError ? error.message : error.stack}`);
  process.exit(1);
}
