import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

/**
 * Runs `npm run deploy:rehearse -- --service <name>`'s script (the build is already done) as a user would, and
 * collects what it prints. One service per test file: each takes a minute or two.
 */
export function rehearseDeployment(service: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist', 'scripts', 'deployRehearsal.js'), '--service', service],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
