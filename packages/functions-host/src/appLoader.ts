import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { globSync } from 'glob';
import { installCoreApi, Registrations, type RegisteredFunction, type RpcBindingInfo } from './coreApi';
import { loadLocalSettings } from './settings';

export const SUPPORTED_TRIGGERS = [
  'httpTrigger',
  'eventGridTrigger',
  'blobTrigger',
  'timerTrigger',
  'orchestrationTrigger',
  'activityTrigger',
] as const;
export type SupportedTrigger = (typeof SUPPORTED_TRIGGERS)[number];

export interface AppFunction extends RegisteredFunction {
  name: string;
  triggerName: string;
  trigger: RpcBindingInfo & { type: string };
  /** Why the host cannot serve this function; undefined when it can. */
  error?: string;
}

export interface LoadedApp {
  dir: string;
  hostJson: HostJson;
  registrations: Registrations;
  functions: Map<string, AppFunction>;
  entryFiles: string[];
}

export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string };
    durableTask?: {
      hubName?: string;
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
    };
  };
  [key: string]: unknown;
}

export class AppLoadError extends Error {}

/** Loads a v4 Node Functions app folder: settings, host.json, then the compiled entry points. */
export function loadApp(appDir: string): LoadedApp {
  const dir = isAbsolute(appDir) ? appDir : resolve(appDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AppLoadError(`App folder "${dir}" does not exist.`);
  }
  const hostJson = readJson<HostJson>(join(dir, 'host.json'), 'host.json (every Functions app has one at its root)');
  if (hostJson.version !== '2.0') {
    throw new AppLoadError(
      `${join(dir, 'host.json')}: "version" must be "2.0" (found ${JSON.stringify(hostJson.version)}).`,
    );
  }
  const pkg = readJson<{ main?: string }>(
    join(dir, 'package.json'),
    'package.json (its "main" names the entry points)',
  );
  const v3Functions = globSync('*/function.json', { cwd: dir }).map((f) => f.split(/[\\/]/)[0]);
  if (v3Functions.length) throw new AppLoadError(v3Refusal(dir, v3Functions.sort()));
  if (!pkg.main)
    throw new AppLoadError(
      `${join(dir, 'package.json')} has no "main": point it at the compiled functions, e.g. "dist/functions/*.js".`,
    );

  const entryFiles = globSync(pkg.main, { cwd: dir, absolute: true, nodir: true }).sort();
  if (entryFiles.length === 0) {
    throw new AppLoadError(
      `"main" (${pkg.main}) in ${join(dir, 'package.json')} matches no file: build the app first.`,
    );
  }

  loadLocalSettings(dir);
  const registrations = new Registrations();
  installCoreApi(registrations);
  for (const file of entryFiles) {
    try {
      // The app's compiled CommonJS entry points load at run time, as the Functions Node.js worker loads them.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new AppLoadError(`Failed to load ${file}: ${detail}`);
    }
  }
  if (!registrations.programmingModel) {
    throw new AppLoadError(`No functions registered: ${dir} does not use the @azure/functions v4 programming model.`);
  }
  if (registrations.problems.length) throw new AppLoadError(registrations.problems.join('\n'));

  const functions = functionsOf(registrations);
  return { dir, hostJson, registrations, functions, entryFiles };
}

/** The functions an app registered, each with its trigger, or why this host cannot serve it. */
export function functionsOf(registrations: Registrations): Map<string, AppFunction> {
  const functions = new Map<string, AppFunction>();
  for (const [name, fn] of registrations.functions) {
    const entry = Object.entries(fn.metadata.bindings).find(
      ([, b]) => typeof b.type === 'string' && b.type.endsWith('Trigger'),
    );
    if (!entry) {
      functions.set(name, {
        ...fn,
        name,
        triggerName: '',
        trigger: { type: 'none' },
        error: `Function "${name}" has no trigger binding.`,
      });
      continue;
    }
    const [triggerName, trigger] = entry as [string, RpcBindingInfo & { type: string }];
    const error = (SUPPORTED_TRIGGERS as readonly string[]).includes(trigger.type)
      ? undefined
      : `Function "${name}" uses trigger type "${trigger.type}", which this local host does not run (it runs ${SUPPORTED_TRIGGERS.join(', ')}).`;
    functions.set(name, { ...fn, name, triggerName, trigger, error });
  }
  return functions;
}

/** Programming model v3 (function.json per function) is refused by name, with the way forward. */
function v3Refusal(dir: string, names: string[]): string {
  return (
    `${dir} uses the Azure Functions programming model v3 (function.json in ${names.join(', ')}), which this ` +
    'local host does not run: it runs the v4 model only (@azure/functions 4.x, functions registered in code ' +
    'with app.http(...), app.timer(...) and so on, and package.json "main" naming the entry files). Migrate ' +
    'the app to v4 (https://learn.microsoft.com/azure/azure-functions/functions-node-upgrade-v4) or run it ' +
    'with Azure Functions Core Tools.'
  );
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new AppLoadError(`Missing ${what}: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new AppLoadError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
