// azd's packaging of a Node service for a Function App, step for step (azd's framework_service_node.go,
// pkg/tools/node and createDeployableZip in project_utils.go): restore runs `npm install` in the service folder
// unless node_modules is newer than a lockfile there; build runs `npm run build --if-present`; package runs it
// again and takes the service's `dist` folder; the function target zips that folder with azd's rules. Service
// hooks run around each step, in the service folder; postpackage runs after the zip is made.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Service } from './azureYaml';
import { machineEnv, runStep, StepFailedError } from './commands';

export const RESTORE = 'npm install --no-audit --no-fund --prefer-offline';
export const BUILD = 'npm run build --if-present';

/** azd skips `npm install` when node_modules/.package-lock.json is newer than the service's own lockfile. */
function dependenciesUpToDate(dir: string): boolean {
  const lock = join(dir, 'package-lock.json');
  const marker = join(dir, 'node_modules', '.package-lock.json');
  return existsSync(lock) && existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

/**
 * Restores, builds and packages a Node service as azd does, then hands the package folder to `zip` (what the
 * service target does with it) before the postpackage hooks run. Returns the package folder.
 */
export async function packageNodeService(
  service: Service,
  zip: (packagePath: string) => Promise<void>,
  log: (line: string) => void,
): Promise<string> {
  const env = machineEnv();
  const step = (name: string, command: string) => runStep(`${service.name} ${name}`, command, service.path, env, log);
  const hooks = async (event: string) => {
    for (const hook of service.hooks[event] ?? []) await step(`${event} hook`, hook.run);
  };
  await hooks('prerestore');
  if (dependenciesUpToDate(service.path)) log(`${service.name} restore: npm dependencies already up-to-date`);
  else await step('restore', RESTORE);
  await hooks('postrestore');
  await hooks('prebuild');
  await step('build', BUILD);
  await hooks('postbuild');
  await hooks('prepackage');
  await step('package', BUILD);
  const packagePath = service.dist ? resolve(service.path, service.dist) : service.path;
  if (!existsSync(packagePath) || readdirSync(packagePath).length === 0)
    throw new StepFailedError(
      `${service.name} package: package source '${packagePath}' is empty or does not exist (azd stops here)`,
    );
  log(`${service.name} package: zipping ${packagePath} as azd does`);
  await zip(packagePath);
  await hooks('postpackage');
  return packagePath;
}

/** The ignore file azd reads from the root of the package folder, by host. */
const IGNORE_FILE: Record<string, string> = { function: '.funcignore', appservice: '.webappignore' };

/**
 * Lays out in `to` (an empty folder) exactly the files azd's zip of `packagePath` holds, i.e. the package as
 * the Function App unpacks it: no `.azure` folder, no ignore file, no local.settings.json, symlinks followed,
 * and, when there is no ignore file, no node_modules for JavaScript and TypeScript unless remoteBuild is false.
 */
export function unpackAsAzdZips(packagePath: string, service: Service, to: string): number {
  if (existsSync(to) && readdirSync(to).length) throw new StepFailedError(`${to} is not empty`);
  const ignoreFile = IGNORE_FILE[service.host];
  if (ignoreFile && existsSync(join(packagePath, ignoreFile)))
    throw new StepFailedError(
      `${join(packagePath, ignoreFile)}: the package folder holds an ignore file; the staged package must need ` +
        'none (the rehearsal applies azd\u2019s rules without one)',
    );
  const dropsNodeModules = ['js', 'ts'].includes(service.language) && service.remoteBuild !== false;
  let files = 0;
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(packagePath, rel), { withFileTypes: true })) {
      const source = join(packagePath, rel, entry.name);
      const isDir = entry.isSymbolicLink() ? statSync(source).isDirectory() : entry.isDirectory();
      if (isDir && entry.name === '.azure') continue;
      if (!isDir && entry.name === ignoreFile) continue;
      if (!isDir && service.host === 'function' && entry.name === 'local.settings.json') continue;
      if (isDir && entry.name === 'node_modules' && dropsNodeModules) continue;
      if (isDir) {
        walk(join(rel, entry.name));
        continue;
      }
      const target = join(to, rel, entry.name);
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(realpathSync(source), target); // the file's content, also behind a symlink
      } catch {
        copyFileSync(source, target);
      }
      files++;
    }
  };
  mkdirSync(to, { recursive: true });
  walk('');
  return files;
}
