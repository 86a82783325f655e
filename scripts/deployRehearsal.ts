// `npm run deploy:rehearse`: what `azd up` does to each service in azure.yaml, done here without Azure, so that a
// packaging mistake fails on this machine instead of in a user's first `azd up`.
//  - api (a Function App): azd's restore, build and package steps with its hooks (scripts/rehearsal/azdPackaging),
//    the package laid out as azd's zip holds it in an empty folder, checked for anything it must not hold, then
//    started with the local Functions host and Azure-shaped settings: every function registers, a call is answered
//    and its voicemail recording comes back as a summary.
//  - bridge (a Container App): its Dockerfile's steps in clean folders, no Docker; the result checked the same way
//    and started: its health endpoint answers.
// Exits 1 naming every problem. `--service api` rehearses only that service (repeatable); `--keep` leaves the
// unpacked artifacts in the temp folder for a look.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { safeMessage } from '@switchboard/core/errors';
import { allowedPackages, artifactProblems } from './rehearsal/artifactProblems';
import { packageNodeService, unpackAsAzdZips } from './rehearsal/azdPackaging';
import { hooksThatRemoveBuildTools, readAzureYaml, type Service } from './rehearsal/azureYaml';
import { rehearseBridge } from './rehearsal/bridgeRun';
import { StepFailedError } from './rehearsal/commands';
import { buildDockerfile } from './rehearsal/dockerfileBuild';
import { rehearseFunctionApp } from './rehearsal/functionAppRun';

const repo = resolve(__dirname, '..', '..');
const keep = process.argv.includes('--keep');
const only = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--service' ? [arg] : []));

/**
 * Deletes temporary folders in the background: tens of thousands of files (two node_modules) take a minute to
 * delete on a slow disk, and nothing needs to wait for it.
 */
function removeLater(folders: string[]): void {
  if (keep || !folders.length) return;
  spawn('rm', ['-rf', '--', ...folders], { detached: true, stdio: 'ignore' }).unref();
}

const workspaceOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;

function artifactFailure(what: string, problems: string[]): StepFailedError {
  const shown = problems.slice(0, 20).map((p) => `  - ${p}`);
  if (problems.length > 20) shown.push(`  - ... and ${problems.length - 20} more`);
  return new StepFailedError(`${what} holds what it must not:\n${shown.join('\n')}`);
}

async function rehearseFunctionService(service: Service, log: (line: string) => void): Promise<string[]> {
  if (!['js', 'ts'].includes(service.language))
    throw new StepFailedError(`the rehearsal packages Node function apps only (language ${service.language})`);
  const unpacked = mkdtempSync(join(tmpdir(), `rehearsal-${service.name}-`));
  try {
    let files = 0;
    const packagePath = await packageNodeService(
      service,
      (path) => Promise.resolve(void (files = unpackAsAzdZips(path, service, join(unpacked, 'wwwroot')))),
      log,
    );
    const artifact = join(unpacked, 'wwwroot');
    const report = [`azd's restore, build and package steps ran; the zip of ${packagePath} holds ${files} files`];
    const problems = artifactProblems(artifact, await allowedPackages(repo, workspaceOf(service.path)), [
      '.',
      join('node_modules', '@switchboard'),
    ]);
    if (problems.length) throw artifactFailure('the Function App package', problems);
    report.push('it holds only production dependencies and compiled JavaScript, no tests, sources or sandbox');
    report.push(...(await rehearseFunctionApp(artifact, service.path, log)));
    if (keep) report.push(`kept in ${artifact}`);
    return report;
  } finally {
    removeLater([unpacked]);
  }
}

async function rehearseContainerService(service: Service, log: (line: string) => void): Promise<string[]> {
  const dockerfile = resolve(service.path, service.docker?.path ?? './Dockerfile');
  const context = resolve(service.path, service.docker?.context ?? '.');
  const image = await buildDockerfile(dockerfile, context, log);
  try {
    log('image built; checking what it holds');
    const report = [`the Dockerfile's ${image.stages.length} stages built in clean folders from ${context}`];
    const problems = artifactProblems(image.workdir, await allowedPackages(repo, workspaceOf(service.path)), [
      'packages',
    ]);
    if (problems.length) throw artifactFailure('the image', problems);
    report.push('the image holds only production dependencies and compiled JavaScript');
    log('starting the bridge from the image');
    report.push(...(await rehearseBridge(image, 'https://rehearsal-api.azurewebsites.net')));
    return report;
  } finally {
    removeLater(image.stages);
  }
}

const started = Date.now();

async function rehearse(service: Service): Promise<string[]> {
  const log = (line: string) =>
    console.log(`[${service.name} ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  if (service.host === 'function') return rehearseFunctionService(service, log);
  if (service.host === 'containerapp' && service.docker) return rehearseContainerService(service, log);
  throw new StepFailedError(`host ${service.host} without a Dockerfile is not something the rehearsal runs`);
}

async function main(): Promise<number> {
  const config = readAzureYaml(repo);
  const hookProblems = hooksThatRemoveBuildTools(config);
  if (hookProblems.length) {
    console.error(`Deployment rehearsal failed: azure.yaml\n${hookProblems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const services = config.services.filter((s) => !only.length || only.includes(s.name));
  const unknown = only.filter((name) => !config.services.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`Deployment rehearsal: azure.yaml has no service ${unknown.join(', ')}`);
    return 1;
  }
  // Services are independent (azd packages them one by one; here they overlap to save time).
  const results = await Promise.allSettled(services.map((service) => rehearse(service)));
  let failed = false;
  console.log('\nDeployment rehearsal');
  results.forEach((result, i) => {
    const name = services[i].name;
    if (result.status === 'fulfilled') for (const line of result.value) console.log(`  ${name}: ${line}`);
    else {
      failed = true;
      console.log(`  ${name}: FAILED: ${safeMessage(result.reason)}`);
    }
  });
  console.log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Deployment rehearsal failed: ${safeMessage(error)}`);
    process.exit(1);
  },
);
