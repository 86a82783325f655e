import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a sandbox part as its own Node process and resolves once it prints `<marker> <port>` (or just the
 * marker); rejects if it exits first. `echo` passes its output through to the terminal.
 */
export function startReadyChild(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  marker: string,
  options: { echo?: boolean } = {},
): Promise<{ child: ChildProcess; port?: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ready, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (options.echo) process.stdout.write(chunk);
      out += chunk.toString();
      const match = new RegExp(`${marker}(?: (\\d+))?`).exec(out);
      if (match) ready({ child, port: match[1] });
    });
    child.once('exit', (code) => fail(new Error(`${name} exited (code ${code}); see its output above.`)));
  });
}
