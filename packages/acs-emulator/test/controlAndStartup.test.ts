import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import WebSocket from 'ws';
import { AcsControlClient } from '../src/controlClient';
import { messageText } from '../src/media/messageText';
import { type AcsEmulator } from '../src/index';
import { startAcsEmulatorChecked as startAcsEmulator } from './support/checkedEmulator';
import { send } from './support/rawHttp';
import { waitFor } from './support/waitFor';
import { CALLER, SUPPORT_LINE } from './support/fixtures';

describe('the control API and start-up contract', () => {
  let acs: AcsEmulator;

  before(async () => {
    acs = await startAcsEmulator({ timeScale: 0.01, incomingCallTimeoutMs: 1_000_000 });
  });
  after(() => acs.close());

  it('describes itself at the control URL', async () => {
    const info = await acs.control.info();
    assert.equal(info.endpoint, acs.endpoint);
    assert.equal(info.jwksUrl, acs.jwksUrl);
    assert.equal(info.immutableResourceId, acs.immutableResourceId);
    assert.equal(info.controlUrl, acs.controlUrl);
  });

  it('lists calls and reads a call timeline over HTTP', async () => {
    const call = await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE, callerDisplayName: 'Pat' });
    assert.equal(call.state, 'ringing');
    assert.ok((await acs.control.listCalls()).some((c) => c.serverCallId === call.serverCallId));
    await acs.control.pressDigits(call.serverCallId, '1').catch(() => undefined);
    const timeline = await acs.control.timeline({ serverCallId: call.serverCallId });
    assert.deepEqual(timeline.map((e) => e.kind).slice(0, 2), ['world', 'eventGrid']);
    assert.ok(timeline.every((e, i) => i === 0 || e.seq > timeline[i - 1].seq));
    assert.ok(timeline.every((e) => !Number.isNaN(Date.parse(e.time))));
  });

  it('streams the timeline over a WebSocket', async () => {
    const url = acs.controlUrl.replace(/^https/, 'wss') + '/timeline/stream?kind=world';
    const ws = new WebSocket(url, { ca: readFileSync(acs.caCertPath) });
    const received: Array<{ type?: string; serverCallId?: string }> = [];
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const wake = new Set<() => void>();
    ws.on('message', (raw) => {
      received.push(JSON.parse(messageText(raw)) as { type?: string; serverCallId?: string });
      for (const w of wake) w();
    });
    try {
      const call = await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      const seen = () => received.some((e) => e.type === 'placeCall' && e.serverCallId === call.serverCallId);
      await new Promise<void>((resolve, reject) => {
        if (seen()) return resolve();
        const timer = setTimeout(() => reject(new Error('no placeCall entry on the stream')), 5_000);
        wake.add(() => {
          if (!seen()) return;
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      ws.close();
    }
  });

  it('answers control errors as JSON and keeps serving after garbage', async () => {
    await assert.rejects(acs.control.placeCall({ from: 'nobody', to: SUPPORT_LINE }), /400/);
    await assert.rejects(acs.control.pressDigits('no-such-call', '1'), /404/);
    const garbage = await send(
      new URL('/control/calls', acs.endpoint),
      'POST',
      { 'content-type': 'application/json' },
      '{"from":',
    );
    assert.equal(garbage.status, 400);
    const badEncoding = await send(new URL('/calling/callConnections/%E0%A4%A', acs.endpoint), 'GET', {});
    assert.ok(badEncoding.status === 401 || badEncoding.status === 404);
    const client = new CallAutomationClient(acs.connectionString);
    await assert.rejects(
      client.getCallConnection('nope').getCallConnectionProperties(),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
    assert.deepEqual(await acs.control.timeline({ kind: 'error' }), []);
  });

  it('waits for a timeline entry and times out cleanly when none comes', async () => {
    await assert.rejects(acs.control.waitForWorld('never-happens', {}, 50), /Timed out after 50 ms/);
  });

  it('runs standalone with `npm run acs`, writes its settings for other processes and takes an Event Grid timeout', async () => {
    const infoFile = join(mkdtempSync(join(tmpdir(), 'acs-main-')), 'acs.json');
    const main = resolve(__dirname, '..', 'src', 'main.js');
    // An Event Grid endpoint that validates its subscription but never answers a notification.
    const stuck = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += String(chunk)));
      req.on('end', () => {
        const [event] = JSON.parse(body) as Array<{ eventType: string; data: { validationCode?: string } }>;
        if (event?.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent')
          res.writeHead(200).end(JSON.stringify({ validationResponse: event.data.validationCode }));
      });
    });
    await new Promise<void>((done) => stuck.listen(0, '127.0.0.1', done));
    const child = spawn(
      process.execPath,
      [main, '--resource-id', 'flagged-resource', '--time-scale=0.5', '--event-grid-timeout-ms=1000'],
      {
        env: { ...process.env, ACS_EMULATOR_INFO_FILE: infoFile, ACS_IMMUTABLE_RESOURCE_ID: 'from-env' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the emulator did not start')), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          if (String(chunk).includes('listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const info = JSON.parse(readFileSync(infoFile, 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(info).sort(), [
        'caCertPath',
        'connectionString',
        'controlUrl',
        'endpoint',
        'immutableResourceId',
        'issuer',
        'jwksUrl',
        'proxyUrl',
      ]);
      assert.equal(info.immutableResourceId, 'flagged-resource', 'a flag wins over the environment');
      const identity = new CommunicationIdentityClient(info.connectionString);
      const user = await identity.createUser();
      assert.match(user.communicationUserId, /^8:acs:/);
      const control = new AcsControlClient(info.controlUrl, { ca: readFileSync(info.caCertPath, 'utf8') });
      assert.equal((await control.info()).endpoint, info.endpoint);
      // The flag replaces Event Grid's 30 s delivery timeout: the silent endpoint times out within seconds.
      const subscription = await control.addSubscription({
        endpoint: `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/`,
        eventTypes: ['Microsoft.Communication.IncomingCall'],
        maxDeliveryAttempts: 1,
      });
      const since = (await control.timeline({})).at(-1)?.seq ?? 0;
      await control.placeCall({ from: CALLER, to: SUPPORT_LINE });
      // The notification's own attempt (a slow machine may validate the subscription again first).
      const delivery = await waitFor(
        async () =>
          (await control.timeline({ kind: 'eventGridDelivery', subscriptionId: subscription.id, since })).find(
            (e) => e.attempt === 1,
          ),
        { what: 'the Event Grid delivery attempt', timeoutMs: 15_000 },
      );
      assert.equal(delivery.error, 'timeout');
    } finally {
      stuck.closeAllConnections();
      stuck.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses a mistyped flag of `npm run acs`, naming it, instead of ignoring it', async () => {
    const main = resolve(__dirname, '..', 'src', 'main.js');
    const child = spawn(process.execPath, [main, '--timescale=2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /ACS emulator failed to start: Unknown option '--timescale'/);
  });
});
