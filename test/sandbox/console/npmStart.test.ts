import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AcsControlClient } from '@switchboard/acs-emulator/controlClient';
import { repoRoot } from '../../support/paths';
import { waitFor } from '../../support/waitFor';

// `npm start` as a developer runs it: a process of its own that has not been told to trust the sandbox CA (the
// test runner's NODE_EXTRA_CA_CERTS is taken away), so every part it reaches over TLS must be given the CA.

describe('npm start', () => {
  it('brings the whole sandbox up, answers callers and texts with the shipped flows, and stops everything on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const start = spawn(
      process.execPath,
      [join(repoRoot, 'packages', 'sandbox', 'dist', 'src', 'start.js'), '--port', '0', '--console-port', '0'],
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
      assert.deepEqual(await response.json(), { problems: [], voiceProvider: 'local' });
      const control = new AcsControlClient(up, { ca: readFileSync(summary.acs.caCertPath, 'utf8') });
      const { serverCallId } = await control.placeCall({ from: '+14255550123', to: '+18005550100' });
      await control.waitForRequest('answerCall', { serverCallId }, 60_000);
      await control.waitForRequest('play', { serverCallId }, 60_000);
      // The line for trying things is open at any hour: it answers and starts the voice assistant.
      const tryIt = await control.placeCall({ from: '+14255550124', to: '+18005550102' });
      await control.waitForRequest('startMediaStreaming', { serverCallId: tryIt.serverCallId }, 60_000);
      // A first text to the Contoso line gets the care agent's answer.
      await control.receiveSms({ from: '+14255550125', to: '+18005550100', message: 'when are you open?' });
      const reply = await waitFor(
        async () => (await control.listSms()).find((m) => m.direction === 'outbound' && m.to === '+14255550125'),
        { what: "the care agent's reply", timeoutMs: 60_000 },
      );
      assert.match(reply.message, /Monday to Friday/);
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
