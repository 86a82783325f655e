import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';

// The preprovision hook, run as azd runs it (from the project root, with the azd environment's values),
// with a fake `azd` on PATH and a local stand-in for Azure Resource Manager: when the azd environment says
// the Event Grid functions are deployed but Azure says they are gone (the resource group was deleted outside
// `azd down`), provisioning goes back to phase one instead of failing on subscriptions to missing functions.

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'azure.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no azure.yaml above ${start}`);
  }
}

const root = findRoot(__dirname);
const TOKEN = 'token-from-azd';
const APP = 'func-abc123';
const DEPLOYED = {
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000001',
  AZURE_RESOURCE_GROUP: 'rg-test',
  AZURE_FUNCTION_APP_NAME: APP,
  DEPLOY_EVENT_SUBSCRIPTIONS: 'true',
  EVENT_GRID_FUNCTIONS: 'incomingCall,smsReceived',
};

type Arm = (request: IncomingMessage) => { status: number; body?: unknown };

const functionsOf = (...names: string[]) => ({
  status: 200,
  body: { value: names.map((name) => ({ name: `${APP}/${name}`, type: 'Microsoft.Web/sites/functions' })) },
});

interface Run {
  status: number | null;
  azdCalls: string[];
  armRequests: { url: string; authorization?: string }[];
  output: string;
}

async function runHook(
  shell: 'sh' | 'pwsh',
  env: Record<string, string>,
  arm: Arm,
  { tokenFails = false } = {},
): Promise<Run> {
  const armRequests: Run['armRequests'] = [];
  const server = createServer((request, response) => {
    armRequests.push({ url: request.url ?? '', authorization: request.headers.authorization });
    const answer = arm(request);
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body ?? { error: { code: 'ResourceNotFound' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const bin = mkdtempSync(join(tmpdir(), 'fake-azd-'));
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'azd'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      'if [ "$1 $2" = "auth token" ]; then',
      tokenFails
        ? '  echo "not signed in" >&2; exit 1'
        : `  echo '{"token":"${TOKEN}","expiresOn":"2030-01-01T00:00:00Z"}'`,
      'fi',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'azd'), 0o755);
  const script =
    shell === 'sh' ? 'infra/hooks/check-deployed-functions.sh' : 'infra/hooks/check-deployed-functions.ps1';
  const args = shell === 'sh' ? [script] : ['-NoProfile', '-NonInteractive', '-File', script];
  try {
    const child = spawn(shell, args, {
      cwd: root,
      env: {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? tmpdir(),
        AZURE_RESOURCE_MANAGER_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ...env,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const azdCalls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { status, azdCalls, armRequests, output };
  } finally {
    server.close();
    rmSync(bin, { recursive: true, force: true });
  }
}

const RESET = 'env set DEPLOY_EVENT_SUBSCRIPTIONS false';
const hasPwsh = spawnSync('pwsh', ['-NoProfile', '-Command', 'exit 0']).status === 0;

describe('the preprovision hook', { skip: process.platform === 'win32' && 'runs the POSIX hook' }, () => {
  it('is the preprovision hook azure.yaml runs, on POSIX and on Windows', () => {
    const hooks = (
      parseYaml(readFileSync(join(root, 'azure.yaml'), 'utf8')) as {
        hooks: Record<string, Record<string, { run: string; shell: string }>>;
      }
    ).hooks;
    assert.deepEqual(hooks.preprovision.posix, { shell: 'sh', run: './infra/hooks/check-deployed-functions.sh' });
    assert.deepEqual(hooks.preprovision.windows, { shell: 'pwsh', run: './infra/hooks/check-deployed-functions.ps1' });
  });

  for (const shell of ['sh', 'pwsh'] as const) {
    describe(`(${shell})`, { skip: shell === 'pwsh' && !hasPwsh && 'PowerShell (pwsh) is not installed here' }, () => {
      it('goes back to phase one when the function app is gone, as after deleting the resource group', async () => {
        const run = await runHook(shell, DEPLOYED, () => ({ status: 404 }));
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.azdCalls, ['auth token --output json', RESET]);
        assert.match(run.output, /no longer exists/);
        assert.equal(run.armRequests.length, 1);
        assert.equal(
          run.armRequests[0].url,
          `/subscriptions/${DEPLOYED.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers/Microsoft.Web/sites/${APP}/functions?api-version=2024-04-01`,
        );
        assert.equal(run.armRequests[0].authorization, `Bearer ${TOKEN}`);
      });

      it('leaves phase two alone when every subscribed function is deployed', async () => {
        const run = await runHook(shell, DEPLOYED, () => functionsOf('incomingCall', 'smsReceived', 'callEvents'));
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.azdCalls, ['auth token --output json']);
      });

      it('goes back to phase one when a subscribed function is not deployed', async () => {
        const run = await runHook(shell, DEPLOYED, () => functionsOf('incomingCall'));
        assert.equal(run.status, 0, run.output);
        assert.equal(run.azdCalls.at(-1), RESET);
        assert.match(run.output, /smsReceived/);
      });

      it('asks nothing when the environment is already in phase one', async () => {
        const run = await runHook(shell, { ...DEPLOYED, DEPLOY_EVENT_SUBSCRIPTIONS: 'false' }, () => ({ status: 404 }));
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.azdCalls, []);
        assert.equal(run.armRequests.length, 0);
      });

      it('goes back to phase one when no function app was ever recorded', async () => {
        const run = await runHook(shell, { DEPLOY_EVENT_SUBSCRIPTIONS: 'true' }, () => ({ status: 500 }));
        assert.equal(run.status, 0, run.output);
        assert.deepEqual(run.azdCalls, [RESET]);
      });

      it('changes nothing and says how to recover by hand when it cannot ask Azure', async () => {
        for (const [options, arm] of [
          [{ tokenFails: true }, () => ({ status: 404 })],
          [{}, () => ({ status: 403 })],
        ] as const) {
          const run = await runHook(shell, DEPLOYED, arm, options);
          assert.equal(run.status, 0, run.output);
          assert.ok(!run.azdCalls.includes(RESET), run.azdCalls.join('; '));
          assert.match(run.output, /azd env set DEPLOY_EVENT_SUBSCRIPTIONS false/);
        }
      });
    });
  }
});
