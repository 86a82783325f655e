import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';

export interface HostProcess {
  url: string;
  /** The `durabletask_extension` system key its Durable API requires (chosen here, given in HOST_DURABLE_KEY). */
  durableKey: string;
  child: ChildProcess;
  output(): string;
  /** Stops the host: SIGTERM for a clean stop, SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The repository root (this file compiles to packages/sandbox/dist/src/). */
export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

/** The Functions app's folder (host.json, package.json, flows/): what the host loads and azd deploys. */
export const appDir = dirname(require.resolve('@switchboard/app/package.json'));

/**
 * Starts the local Functions host (`npm run host`) for an app folder as its own process, as a developer would.
 * `cwd` runs it in a folder of its own (the app's, as the Functions Node.js worker does in Azure).
 */
export async function startHostProcess(
  appDir: string,
  env: Record<string, string>,
  port = '0',
  options: { echo?: boolean; functionKey?: string; cwd?: string } = {},
): Promise<HostProcess> {
  const main = require.resolve('@switchboard/functions-host/main');
  const durableKey = env.HOST_DURABLE_KEY ?? randomBytes(32).toString('base64url');
  const { child, ready, output } = await startReadyChild(
    'The Functions host',
    main,
    ['--app', appDir, '--port', port, ...(options.functionKey ? [`--key=${options.functionKey}`] : [])],
    { ...env, HOST_DURABLE_KEY: durableKey },
    'HOST_READY',
    { echo: { stdout: options.echo, stderr: options.echo }, cwd: options.cwd },
  );
  const { url } = JSON.parse(ready) as { url: string };
  return { url, durableKey, child, output, stop: (signal = 'SIGTERM') => stopChild(child, signal) };
}
