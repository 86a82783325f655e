import { functionsOf, type LoadedApp } from './appLoader';
import { installCoreApi, Registrations } from './coreApi';
import { Invoker } from './invoker';

// Functions registered inside this process, through the real @azure/functions and durable-functions
// libraries onto this host's core API, without an app folder: tests run an orchestrator through the
// host's Durable engine this way (test/unit/flows/callFlowWorld.ts).

let installed = false;

/** Runs `register` (its `app.*` / `df.app.*` calls) and returns an invoker over what it registered. Once per process. */
export function inProcessApp(
  register: () => void,
  log?: (level: string, fn: string, message: string) => void,
): Invoker {
  if (installed) throw new Error('inProcessApp runs once per process: register every function in one call.');
  installed = true;
  const registrations = new Registrations();
  installCoreApi(registrations);
  register();
  if (!registrations.programmingModel) throw new Error('Nothing was registered through @azure/functions.');
  if (registrations.problems.length) throw new Error(registrations.problems.join('\n'));
  const app: LoadedApp = {
    dir: process.cwd(),
    hostJson: { version: '2.0' },
    registrations,
    functions: functionsOf(registrations),
    entryFiles: [],
  };
  return new Invoker(app, log ?? (() => undefined));
}
