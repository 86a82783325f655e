import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { stopChild } from '../../sandbox/azurite';
import { repoRoot } from './paths';

export interface HostProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Stops the host: SIGTERM for a clean stop, SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `npm run host` for an app folder as a separate process, as a developer would. */
export async function startHostProcess(appDir: string, env: Record<string, string>, port = '0'): Promise<HostProcess> {
  const main = resolve(repoRoot, 'dist', 'sandbox', 'host', 'main.js');
  const child = spawn(process.execPath, [main, '--app', appDir, '--port', port], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`Host did not start within 120 s:\n${output}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HOST_READY (\{.*\})/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl((JSON.parse(match[1]) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Host exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return { url, child, output: () => output, stop: (signal = 'SIGTERM') => stopChild(child, signal) };
}
