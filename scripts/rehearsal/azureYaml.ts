// azure.yaml as azd reads it, for the deployment rehearsal: each service's project, language, host, `dist`,
// `remoteBuild`, docker options and hooks, and the azd version the project requires.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { ValidationError } from '@switchboard/core/errors';

export interface Hook {
  run: string;
  shell?: string;
}

export interface Service {
  name: string;
  /** The service folder, absolute. */
  path: string;
  language: string;
  host: string;
  dist?: string;
  remoteBuild?: boolean;
  docker?: { path?: string; context?: string; remoteBuild?: boolean };
  hooks: Record<string, Hook[]>;
}

export interface AzureYaml {
  root: string;
  requiredAzd?: string;
  services: Service[];
  /** Project-level hooks (preprovision, postdeploy, ...). */
  hooks: Record<string, Hook[]>;
}

type RawHook = Hook & { posix?: Hook; windows?: Hook };

/** A hook as it runs on Linux or macOS: its `posix` variant when it has one. */
function hooksOf(raw: Record<string, RawHook | RawHook[]> | undefined): Record<string, Hook[]> {
  const hooks: Record<string, Hook[]> = {};
  for (const [event, value] of Object.entries(raw ?? {}))
    hooks[event] = [value]
      .flat()
      .map((hook) => hook.posix ?? hook)
      .filter((hook) => typeof hook.run === 'string');
  return hooks;
}

export function parseAzureYaml(text: string, root: string, file = 'azure.yaml'): AzureYaml {
  const doc = parse(text) as {
    requiredVersions?: { azd?: string };
    services?: Record<string, Record<string, unknown>>;
    hooks?: Record<string, RawHook | RawHook[]>;
  } | null;
  if (!doc?.services || typeof doc.services !== 'object') throw new ValidationError(`${file}: no services`);
  const services = Object.entries(doc.services).map(([name, s]): Service => {
    if (typeof s.host !== 'string') throw new ValidationError(`${file}: service ${name} has no host`);
    return {
      name,
      path: resolve(root, typeof s.project === 'string' ? s.project : '.'),
      language: typeof s.language === 'string' ? s.language : '',
      host: s.host,
      dist: typeof s.dist === 'string' ? s.dist : undefined,
      remoteBuild: typeof s.remoteBuild === 'boolean' ? s.remoteBuild : undefined,
      docker: s.docker as Service['docker'],
      hooks: hooksOf(s.hooks as Record<string, RawHook | RawHook[]> | undefined),
    };
  });
  return { root, requiredAzd: doc.requiredVersions?.azd, services, hooks: hooksOf(doc.hooks) };
}

export function readAzureYaml(root: string): AzureYaml {
  return parseAzureYaml(readFileSync(resolve(root, 'azure.yaml'), 'utf8'), root);
}

/** Commands that take installed packages away: npm prune, a dev-less reinstall, deleting node_modules. */
const REMOVES_PACKAGES = [
  /\b(npm|pnpm)\s+(prune|uninstall|un|rm|remove)\b/,
  /\b(npm|pnpm|yarn)\s+(ci|install|i|add)\b[^;&|\n]*(--omit[= ]dev|--production|--prod\b|--only[= ]prod)/,
  /\byarn\s+(remove|workspaces\s+focus[^;&|\n]*--production)\b/,
  /\brm\s+[^;&|\n]*node_modules/,
];

/**
 * Hooks that remove packages the build needs. azd builds a Node service twice (`npm run build` in its build
 * step and again in its package step) and services share the workspace's node_modules: a hook that prunes
 * development dependencies anywhere in that sequence leaves the next build without its compiler
 * (`tsc: not found`), as `prepackage: npm prune --omit=dev` did. Only hooks after deployment may clean up.
 */
export function hooksThatRemoveBuildTools(config: AzureYaml): string[] {
  const safeAfter = new Set(['postdeploy', 'postdown', 'postup']);
  const problems: string[] = [];
  const check = (where: string, hooks: Record<string, Hook[]>) => {
    for (const [event, list] of Object.entries(hooks))
      for (const hook of list)
        if (!safeAfter.has(event) && REMOVES_PACKAGES.some((pattern) => pattern.test(hook.run)))
          problems.push(
            `${where} ${event} hook \`${hook.run.trim()}\` removes installed packages before azd's next ` +
              '`npm run build` (azd builds again in its package step): the build would fail with its tools gone',
          );
  };
  check('project:', config.hooks);
  for (const service of config.services) check(`service ${service.name}:`, service.hooks);
  return problems;
}
