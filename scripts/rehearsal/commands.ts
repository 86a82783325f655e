// Commands as azd (or Docker) runs them on a developer's machine: a shell command in a folder, with the
// machine's environment but nothing an npm script adds (no node_modules/.bin on PATH, no npm_* settings), so
// a step that only works because the rehearsal was started with `npm run` still fails here.
import { spawn } from 'node:child_process';
import { delimiter, dirname, sep } from 'node:path';
import { SwitchboardError } from '@switchboard/core/errors';

export class StepFailedError extends SwitchboardError {
  constructor(message: string) {
    super('internal', message);
  }
}

/** The environment of a shell on this machine: this Node first (the project's Node 22), no npm script additions. */
export function machineEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  const path = (env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.split(sep).includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return { ...env, ...extra };
}

/** Runs `sh -c command` in a folder; resolves with its output, or rejects naming the step and its last lines. */
export function runStep(
  step: string,
  command: string,
  cwd: string,
  env: Record<string, string> = machineEnv(),
  log: (line: string) => void = () => undefined,
): Promise<string> {
  log(`${step}: ${command}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new StepFailedError(`${step}: ${command} could not run: ${error.message}`)));
    child.once('exit', (code) => {
      if (code === 0) return resolve(output);
      const tail = output.trim().split('\n').slice(-25).join('\n');
      reject(new StepFailedError(`${step}: \`${command}\` in ${cwd} failed (exit ${code}):\n${tail}`));
    });
  });
}
