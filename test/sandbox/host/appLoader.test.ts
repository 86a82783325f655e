import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostProcess } from '@switchboard/sandbox/hostProcess';

function tempApp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-app-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('the local host loading an app folder', () => {
  it('refuses a folder that does not exist, naming it', async () => {
    await assert.rejects(startHostProcess('/no/such/app', {}), /App folder "\/no\/such\/app" does not exist/);
  });

  it('refuses a folder without host.json, naming the missing file', async () => {
    const dir = tempApp({ 'package.json': '{"main":"index.js"}', 'index.js': '' });
    await assert.rejects(startHostProcess(dir, {}), /Missing host\.json/);
  });

  it('refuses an entry point that throws while loading, naming the file', async () => {
    const dir = tempApp({
      'host.json': '{"version":"2.0"}',
      'package.json': '{"main":"broken.js"}',
      'broken.js': 'throw new Error("syntax trouble")',
    });
    await assert.rejects(startHostProcess(dir, {}), /Failed to load .*broken\.js.*syntax trouble/s);
  });

  it('names an unknown trigger type and still serves the functions it can run', async () => {
    const dir = tempApp({
      'host.json': '{"version":"2.0"}',
      'package.json': '{"main":"index.js"}',
      'index.js': `
        const { app, trigger } = require('${require.resolve('@azure/functions').replace(/\\/g, '/')}');
        app.generic('fromQueue', { trigger: trigger.generic({ type: 'rabbitMQTrigger', queueName: 'q' }), handler: async () => {} });
        app.http('ping', { authLevel: 'anonymous', handler: async () => ({ body: 'pong' }) });`,
    });
    const host = await startHostProcess(dir, {});
    try {
      assert.match(
        host.output(),
        /"fromQueue" uses trigger type "rabbitMQTrigger", which this local host does not run/,
      );
      assert.equal(await (await fetch(`${host.url}/api/ping`)).text(), 'pong');
      const listing = (await (await fetch(`${host.url}/admin/functions`)).json()) as { name: string; error?: string }[];
      assert.ok(listing.find((f) => f.name === 'fromQueue')?.error);
    } finally {
      await host.stop();
    }
  });
});
