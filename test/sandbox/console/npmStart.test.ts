import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AcsControlClient } from '../../../sandbox/acs/controlClient';
import { repoRoot } from '../../support/paths';

// `npm start` as a developer runs it: a process of its own that has not been told to trust the sandbox CA (the
// test runner's NODE_EXTRA_CA_CERTS is taken away), so every part it reaches over TLS must be given the CA.

describe('npm start', () => {
  it('brings the whole sandbox up, answers a caller on the main line, and stops everything on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const start = spawn(
      process.execPath,
      [join(repoRoot, 'dist', 'sandbox', 'start.js'), '--port', '0', '--console-port', '0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const up = await new Promise<string>((resolve, reject) => {
        const onData = () => {
          const match = /ACS emulator {5}\S+ {2}\(control API: (\S+)\)/.exec(output);
          if (match && output.includes('Ctrl+C stops everything.')) resolve(match[1]);
        };
        start.stdout.on('data', onData);
        start.once('exit', (code) => reject(new Error(`npm start exited (code ${code}):\n${output}`)));
      });
      const summary = JSON.parse(readFileSync(join(repoRoot, '.sandbox', 'sandbox.json'), 'utf8')) as {
        acs: { controlUrl: string; caCertPath: string };
        console: string;
        problems: string[];
      };
      assert.equal(summary.acs.controlUrl, up);
      // After npm install alone, offline speech works: nothing to warn about, on the terminal or in the console.
      assert.deepEqual(summary.problems, []);
      assert.doesNotMatch(output, /^Warning:/m);
      const response = await fetch(new URL('/api/sandbox', summary.console));
      assert.deepEqual(await response.json(), { problems: [] });
      const control = new AcsControlClient(up, { ca: readFileSync(summary.acs.caCertPath, 'utf8') });
      const { serverCallId } = await control.placeCall({ from: '+14255550123', to: '+18005550100' });
      await control.waitForRequest('answerCall', { serverCallId }, 60_000);
      await control.waitForRequest('play', { serverCallId }, 60_000);
    } finally {
      if (start.exitCode === null && start.signalCode === null) {
        const exited = once(start, 'exit');
        start.kill('SIGTERM');
        const [code] = (await exited) as [number | null];
        assert.equal(code, 0, output);
      }
    }
  });
});
