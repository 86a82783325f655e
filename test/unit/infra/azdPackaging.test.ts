import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { artifactProblems, type Allowed } from '../../../scripts/rehearsal/artifactProblems';
import { packageNodeService, unpackAsAzdZips } from '../../../scripts/rehearsal/azdPackaging';
import {
  hooksThatRemoveBuildTools,
  parseAzureYaml,
  readAzureYaml,
  type Service,
} from '../../../scripts/rehearsal/azureYaml';
import { buildDockerfile } from '../../../scripts/rehearsal/dockerfileBuild';
import { repoRoot } from '../../support/paths';

const temps: string[] = [];
const temp = (prefix: string) => {
  temps.push(mkdtempSync(join(tmpdir(), `sb-${prefix}-`)));
  return temps.at(-1)!;
};
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
const write = (file: string, text: string) => {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
};
const quiet = () => undefined;

/** The api service as azure.yaml declared it before: the whole repository, pruned before azd's second build. */
const PRUNING_AZURE_YAML = `
name: switchboard
services:
  api:
    project: .
    language: ts
    host: function
    hooks:
      prepackage:
        shell: sh
        run: npm prune --omit=dev
      postpackage:
        shell: sh
        run: npm install --no-audit --no-fund
`;

describe('azd packaging of the Function App', () => {
  const config = readAzureYaml(repoRoot);
  const api = config.services.find((s) => s.name === 'api')!;

  it('deploys the staged artifact as it is, with an azd that honours remoteBuild', () => {
    assert.equal(api.path, join(repoRoot, 'packages', 'app'));
    assert.equal(api.dist, 'artifact');
    assert.equal(api.remoteBuild, false);
    const [major, minor, patch] = /^>=\s*(\d+)\.(\d+)\.(\d+)$/
      .exec(config.requiredAzd ?? '')!
      .slice(1)
      .map(Number);
    assert.ok(major * 1e6 + minor * 1e3 + patch >= 1_023_012, `requiredVersions.azd is ${config.requiredAzd}`);
    // The folder azd zips is the one packages/app's build stages, and git never holds it.
    const build = (JSON.parse(readFileSync(join(api.path, 'package.json'), 'utf8')) as { scripts: { build: string } })
      .scripts.build;
    assert.match(build, /^tsc -b && node \.\.\/\.\.\/scripts\/stage-function-app\.js$/);
    assert.match(
      readFileSync(join(repoRoot, 'scripts', 'stage-function-app.js'), 'utf8'),
      /const ARTIFACT = 'artifact';/,
    );
    assert.match(readFileSync(join(repoRoot, '.gitignore'), 'utf8'), /^packages\/app\/artifact\/$/m);
  });

  it('has no hook that removes the tools azd needs for its second build', () => {
    assert.deepEqual(hooksThatRemoveBuildTools(config), []);
  });

  it('names the prune hook azure.yaml used to have as the cause of `tsc: not found`', () => {
    const problems = hooksThatRemoveBuildTools(parseAzureYaml(PRUNING_AZURE_YAML, repoRoot));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^service api: prepackage hook `npm prune --omit=dev` removes installed packages/);
  });

  /** A Node project whose build needs a development dependency, as packages/app's needs tsc. */
  function projectNeedingABuildTool(hooks: Service['hooks']): Service {
    const dir = temp('azd-project');
    write(join(dir, 'build-tool', 'package.json'), '{ "name": "build-tool", "version": "1.0.0", "main": "index.js" }');
    write(join(dir, 'build-tool', 'index.js'), 'module.exports = () => "compiled";\n');
    write(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'needs-a-build-tool',
        version: '1.0.0',
        private: true,
        scripts: { build: 'node -e "require(\'build-tool\')" && mkdir -p out && echo ok > out/index.js' },
        devDependencies: { 'build-tool': 'file:./build-tool' },
      }),
    );
    return { name: 'api', path: dir, language: 'js', host: 'function', dist: 'out', remoteBuild: false, hooks };
  }

  it("fails at azd's second build when a prepackage hook prunes development dependencies", async () => {
    const service = projectNeedingABuildTool({ prepackage: [{ run: 'npm prune --omit=dev' }] });
    await assert.rejects(
      packageNodeService(service, () => Promise.resolve(), quiet),
      (error: Error) => {
        assert.match(error.message, /^api package: `npm run build --if-present` .* failed/);
        assert.match(error.message, /Cannot find module 'build-tool'/);
        return true;
      },
    );
  });

  it('packages the same project when no hook prunes it, and zips its dist folder', async () => {
    const service = projectNeedingABuildTool({});
    const unpacked = join(temp('azd-zip'), 'wwwroot');
    let files = 0;
    const packagePath = await packageNodeService(
      service,
      (path) => Promise.resolve(void (files = unpackAsAzdZips(path, service, unpacked))),
      quiet,
    );
    assert.equal(packagePath, join(service.path, 'out'));
    assert.equal(files, 1);
    assert.equal(readFileSync(join(unpacked, 'index.js'), 'utf8'), 'ok\n');
  });
});

describe("azd's zip of a package folder", () => {
  function packageFolder(): string {
    const dir = temp('azd-package');
    write(join(dir, 'host.json'), '{}');
    write(join(dir, 'local.settings.json'), '{}');
    write(join(dir, '.azure', 'env'), 'x');
    write(join(dir, 'node_modules', 'dep', 'package.json'), '{ "name": "dep" }');
    return dir;
  }
  const service = (remoteBuild?: boolean): Service => ({
    name: 'api',
    path: '/unused',
    language: 'ts',
    host: 'function',
    remoteBuild,
    hooks: {},
  });

  it('keeps node_modules when remote build is off and leaves out local settings and .azure', () => {
    const to = join(temp('unpacked'), 'wwwroot');
    assert.equal(unpackAsAzdZips(packageFolder(), service(false), to), 2);
    assert.ok(existsSync(join(to, 'node_modules', 'dep', 'package.json')));
    assert.ok(!existsSync(join(to, 'local.settings.json')) && !existsSync(join(to, '.azure')));
  });

  it('drops node_modules when remote build is not turned off, as azd does for TypeScript', () => {
    const to = join(temp('unpacked'), 'wwwroot');
    assert.equal(unpackAsAzdZips(packageFolder(), service(undefined), to), 1);
    assert.ok(!existsSync(join(to, 'node_modules')));
  });
});

describe('what a deployment artifact must not hold', () => {
  const allowed: Allowed = {
    workspace: '@switchboard/app',
    production: new Set(['@switchboard/core', 'zod']),
    developmentOnly: new Set(['typescript', '@switchboard/sandbox']),
  };
  function artifact(extra: Record<string, string> = {}): string {
    const dir = temp('artifact');
    const files: Record<string, string> = {
      'host.json': '{}',
      'dist/functions/health.js': '',
      'node_modules/zod/package.json': '{ "name": "zod" }',
      'node_modules/zod/index.js': '',
      'node_modules/@switchboard/core/package.json': '{ "name": "@switchboard/core" }',
      'node_modules/@switchboard/core/dist/src/errors.js': '',
      ...extra,
    };
    for (const [file, text] of Object.entries(files)) write(join(dir, file), text);
    return dir;
  }
  const own = ['.', join('node_modules', '@switchboard')];

  it('accepts production dependencies and compiled JavaScript', () => {
    assert.deepEqual(artifactProblems(artifact(), allowed, own), []);
  });

  it('names development dependencies, sandbox workspaces, strays, sources, declarations, maps and tests', () => {
    const problems = artifactProblems(
      artifact({
        'node_modules/typescript/package.json': '{ "name": "typescript" }',
        'node_modules/@switchboard/sandbox/package.json': '{ "name": "@switchboard/sandbox" }',
        'node_modules/zod/node_modules/left-pad/package.json': '{ "name": "left-pad" }',
        'dist/src/config.ts': '',
        'node_modules/@switchboard/core/dist/src/errors.d.ts': '',
        'dist/src/config.js.map': '',
        'dist/test/config.test.js': '',
        'node_modules/zod/index.d.ts': '',
        'node_modules/zod/src/index.ts': '',
      }),
      allowed,
      own,
    );
    assert.deepEqual(problems.sort(), [
      'dist/src/config.js.map: a source map of sources that are not shipped',
      'dist/src/config.ts: a TypeScript source',
      'dist/test/config.test.js: a test',
      'node_modules/@switchboard/core/dist/src/errors.d.ts: type declarations (nothing reads them at run time)',
      'node_modules/@switchboard/sandbox: @switchboard/sandbox is a sandbox or tooling workspace, not needed by @switchboard/app at run time',
      'node_modules/typescript: typescript is a development dependency, not needed by @switchboard/app at run time',
      "node_modules/zod/node_modules/left-pad: left-pad is not in npm's production tree of @switchboard/app",
      'node_modules/zod: 2 TypeScript sources, declarations or source maps (Node never loads them)',
    ]);
  });
});

describe('a Dockerfile built without Docker', () => {
  it('runs each stage in its own folder, copies between stages and leaves out what .dockerignore names', async () => {
    const context = temp('docker-context');
    write(join(context, 'greeting.txt'), 'hello\n');
    write(join(context, 'secret.env'), 'KEY=1\n');
    write(join(context, '.dockerignore'), 'secret.env\n');
    write(
      join(context, 'Dockerfile'),
      [
        'FROM node:22 AS build',
        'WORKDIR /app',
        'COPY . ./',
        'RUN cat greeting.txt > built.txt \\',
        '  && ls > listing.txt',
        'FROM node:22-slim',
        'WORKDIR /srv',
        'ENV NODE_ENV=production',
        'COPY --from=build /app/built.txt /app/listing.txt ./',
        'EXPOSE 8080',
        'CMD ["node", "main.js"]',
      ].join('\n'),
    );
    const image = await buildDockerfile(join(context, 'Dockerfile'), context, quiet);
    assert.equal(readFileSync(join(image.workdir, 'built.txt'), 'utf8'), 'hello\n');
    const listing = readFileSync(join(image.workdir, 'listing.txt'), 'utf8').split('\n');
    assert.ok(listing.includes('greeting.txt') && !listing.includes('secret.env'), listing.join(' '));
    assert.deepEqual(image.cmd, ['node', 'main.js']);
    assert.deepEqual(image.exposed, [8080]);
    assert.equal(image.env.NODE_ENV, 'production');
    assert.equal(image.stages.length, 2);
  });

  it('refuses an instruction it cannot run faithfully, by name', async () => {
    const context = temp('docker-context');
    write(join(context, 'Dockerfile'), 'FROM node:22\nADD https://example.com/x.tgz /x\n');
    await assert.rejects(buildDockerfile(join(context, 'Dockerfile'), context, quiet), /ADD is not an instruction/);
  });
});
