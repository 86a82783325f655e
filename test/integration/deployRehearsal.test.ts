import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths';

/** Runs `npm run deploy:rehearse`'s script (the build is already done) and collects what it prints. */
function rehearse(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'scripts', 'deployRehearsal.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the deployment rehearsal', () => {
  // azd's packaging (two builds and a 400 MB package of production dependencies) and the bridge's two `npm ci`
  // runs take a while on a loaded machine; about two minutes on an idle one.
  it('packages both services as azd would and runs each from its artifact alone', { timeout: 600_000 }, async () => {
    const { code, output } = await rehearse();
    assert.equal(code, 0, output);
    for (const line of [
      /api: it holds only production dependencies and compiled JavaScript/,
      /api: all \d+ functions of packages\/app register from the artifact/,
      /api: an IncomingCall to the main line is answered/,
      /api: the voicemail recording is transcribed and summarised/,
      /bridge: the image holds only production dependencies and compiled JavaScript/,
      /bridge: the bridge starts from the image's files alone .* \/healthz answers 200/,
    ])
      assert.match(output, line);
  });
});
