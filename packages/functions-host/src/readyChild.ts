import { spawn, type ChildProcess } from 'node:child_process';

export interface ReadyChild {
  child: ChildProcess;
  /** What followed the marker on its line: a port, or the host's JSON. */
  ready: string;
  /** Everything it wrote so far (stdout and stderr), for error messages and tests. */
  output: () => string;
}

/**
 * Starts a sandbox part as its own Node process and resolves once it prints `<marker>` (with anything after it
 * on the line); rejects if it exits first or is not ready within two minutes. Its output is kept for
 * `output()`; `echo` also passes stdout and/or stderr through to this process's (what `npm start` shows); `cwd`
 * is its working folder (this process's by default).
 */
export function startReadyChild(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  marker: string,
  options: { echo?: { stdout?: boolean; stderr?: boolean }; cwd?: string } = {},
): Promise<ReadyChild> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const output = () => out;
  const take =
    (target: NodeJS.WriteStream, echo = false) =>
    (chunk: Buffer) => {
      if (echo) target.write(chunk);
      out += chunk.toString();
    };
  child.stdout.on('data', take(process.stdout, options.echo?.stdout));
  child.stderr.on('data', take(process.stderr, options.echo?.stderr));
  return new Promise((resolve, reject) => {
    const pattern = new RegExp(`(?:^|\\n)${marker}(?: ([^\\n]*))?\\n`);
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 120 s:\n${out}`)), 120_000);
    const onData = () => {
      const match = pattern.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({ child, ready: match[1] ?? '', output });
    };
    const onExit = (code: number | null) =>
      fail(new Error(`${name} exited (code ${code}) before it was ready:\n${out}`));
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Stops a child process: SIGTERM for a clean stop (SIGKILL after 5 s), or the signal given. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
