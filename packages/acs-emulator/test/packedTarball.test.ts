import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AcsControlClient } from '../src/controlClient';
import { waitFor } from './support/waitFor';

const run = promisify(execFile);
const packageDir = resolve(__dirname, '..', '..');
const audioDir = resolve(packageDir, '..', 'audio');

/** The first line a child prints, parsed as JSON (its ready signal). */
function firstLine(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) resolve(JSON.parse(line) as Record<string, string>);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before it was ready: ${err.slice(-2000)}`)));
  });
}

describe('the emulator as an npm package', () => {
  let folder: string;
  let emulator: ChildProcess | undefined;
  let app: ChildProcess | undefined;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'acs-emulator-user-'));
    const packed: string[] = [];
    for (const dir of [audioDir, packageDir]) {
      const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: dir });
      packed.push(join(folder, stdout.trim().split('\n').pop() as string));
    }
    const sdk = (
      JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    ).dependencies['@azure/communication-call-automation'];
    await run('npm', ['init', '-y'], { cwd: folder });
    // From the registry like any user (the cache answers when it can); the tarballs name their own dependencies.
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...packed,
        `@azure/communication-call-automation@${sdk}`,
      ],
      { cwd: folder, maxBuffer: 16 * 1024 * 1024 },
    );
  });

  after(() => {
    app?.kill();
    emulator?.kill();
    rmSync(folder, { recursive: true, force: true });
  });

  it('installs from its tarball into an empty folder, starts with npx, and serves the official SDK a call it answers', async () => {
    const info = join(folder, 'acs.json');
    emulator = spawn(join(folder, 'node_modules', '.bin', 'acs-emulator'), ['--port', '0', '--info-file', info], {
      cwd: folder,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    emulator.stdout?.on('data', (c: Buffer) => (printed += c.toString()));
    const acs = await waitFor(
      () => {
        try {
          return JSON.parse(readFileSync(info, 'utf8')) as Record<string, string>;
        } catch {
          return undefined;
        }
      },
      { what: `the emulator's info file (output so far: ${printed})`, timeoutMs: 30_000 },
    );
    assert.match(acs.caCertPath, /\.acs-emulator/, 'its CA lives in the folder it runs in');

    copyFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'answeringApp.js'), join(folder, 'app.js'));
    app = spawn(process.execPath, ['app.js'], {
      cwd: folder,
      env: { ...process.env, ACS_CONNECTION_STRING: acs.connectionString, NODE_EXTRA_CA_CERTS: acs.caCertPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url } = await firstLine(app);

    const control = new AcsControlClient(acs.controlUrl, { ca: readFileSync(acs.caCertPath, 'utf8') });
    await control.addSubscription({ endpoint: url });
    const call = await control.placeCall({ from: '+14255550123', to: '+18005550100' });
    const answered = await waitFor(
      async () => {
        const now = await control.getCall(call.serverCallId);
        return now.state === 'connected' ? now : undefined;
      },
      { what: 'the call to be answered', timeoutMs: 30_000 },
    );
    assert.ok(answered.callConnectionId, 'the SDK answered the call and ACS gave it a connection');
  });
});
