import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient, parseCallAutomationEvent } from '@azure/communication-call-automation';
import { defaultCertDir } from '../src/certificates';
import { CallbackSink } from './support/callbackSink';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';

describe('callbacks to the app', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture({
      issuer: 'https://acscallautomation.communication.azure.com',
      immutableResourceId: 'a1b2c3d4-0000-4000-8000-000000000001',
      deliveryTimeoutMs: 300,
    });
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('posts one CloudEvent per request, as a JSON array of one', async () => {
    const { callConnectionId } = await answerIncomingCall(fx, client);
    await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId);
    const posts = fx.callbacks.received.filter((r) => r.event.callConnectionId === callConnectionId);
    for (const post of posts) {
      assert.equal(post.raw.length, 1);
      const cloudEvent = post.raw[0] as Record<string, unknown>;
      assert.equal(cloudEvent.specversion, '1.0');
      assert.equal(cloudEvent.source, `calling/callConnections/${callConnectionId}`);
      assert.match(String(cloudEvent.type), /^Microsoft\.Communication\./);
    }
  });

  it('signs every callback with a fresh RS256 JWT that verifies against the JWKS', async () => {
    const { jwtVerify, createRemoteJWKSet, decodeProtectedHeader } = await import('jose');
    const { callConnectionId } = await answerIncomingCall(fx, client);
    await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId);
    const jwks = createRemoteJWKSet(new URL(fx.acs.jwksUrl));
    const tokens = fx.callbacks.received
      .filter((r) => r.event.callConnectionId === callConnectionId)
      .map((r) => String(r.headers.authorization).replace(/^Bearer /, ''));
    assert.ok(tokens.length >= 2);
    assert.equal(new Set(tokens).size, tokens.length, 'a new token per event');
    for (const token of tokens) {
      assert.equal(decodeProtectedHeader(token).alg, 'RS256');
      assert.ok(decodeProtectedHeader(token).kid);
      const { payload } = await jwtVerify(token, jwks, {
        issuer: 'https://acscallautomation.communication.azure.com',
        audience: 'a1b2c3d4-0000-4000-8000-000000000001',
        algorithms: ['RS256'],
      });
      assert.equal(payload.exp! - payload.iat!, 300);
    }
  });

  it('delivers the callbacks of a call in the order they happened', async () => {
    const { callConnectionId, connection } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.playToAll([{ kind: 'textSource', text: 'One' }], { operationContext: 'first' });
    await media.playToAll([{ kind: 'textSource', text: 'Two' }], { operationContext: 'second' });
    await fx.callbacks.waitFor('PlayCompleted', callConnectionId, 10_000, (e) => e.operationContext === 'second');
    await connection.hangUp(true);
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
    const sent = (await fx.acs.control.timeline({ kind: 'callback', callConnectionId })).map((e) => e.type);
    assert.deepEqual(sent, [
      'CallConnected',
      'ParticipantsUpdated',
      'PlayStarted',
      'PlayCompleted',
      'PlayStarted',
      'PlayCompleted',
      'CallDisconnected',
    ]);
    assert.deepEqual(fx.callbacks.kinds(callConnectionId), sent, 'received in the order sent');
    const contexts = fx.callbacks
      .events(callConnectionId)
      .filter((e) => e.kind.startsWith('Play'))
      .map((e) => (e as { operationContext?: string }).operationContext);
    assert.deepEqual(contexts, ['first', 'first', 'second', 'second']);
  });

  it('delivers to an https callback URI trusted through the same CA', async () => {
    const pem = readFileSync(join(defaultCertDir(), 'server.pem'), 'utf8');
    const keyStart = pem.indexOf('-----BEGIN PRIVATE KEY-----');
    const received: string[] = [];
    const server: Server = createServer({ cert: pem.slice(0, keyStart), key: pem.slice(keyStart) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(parseCallAutomationEvent(Buffer.concat(chunks).toString('utf8')).kind);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/callbacks`;
      const { callConnectionId } = await answerIncomingCall(fx, client, {}, url);
      const delivery = await fx.acs.control.waitFor({
        kind: 'callbackDelivery',
        type: 'CallConnected',
        callConnectionId,
      });
      assert.equal(delivery.status, 200);
      assert.ok(received.includes('CallConnected'));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('times out on an app that never answers without holding up other calls', async () => {
    const stuck: HttpServer = createHttpServer(() => undefined);
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    try {
      const stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/never`;
      const slow = await answerIncomingCall(fx, client, {}, stuckUrl);
      const healthy = await answerIncomingCall(fx, client);
      await fx.callbacks.waitFor('CallConnected', healthy.callConnectionId, 2_000);
      const timedOut = await fx.acs.control.waitFor(
        { kind: 'callbackDelivery', callConnectionId: slow.callConnectionId },
        5_000,
      );
      assert.equal(timedOut.error, 'timeout');
    } finally {
      stuck.closeAllConnections();
      stuck.close();
    }
  });

  it('sends callbacks of an operation to its own callback URI when given one', async () => {
    const { callConnectionId, connection } = await answerIncomingCall(fx, client);
    const other = new CallbackSink();
    await other.start();
    try {
      await connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'Elsewhere' }], {
        operationCallbackUrl: other.url,
        operationContext: 'elsewhere',
      });
      const done = await other.waitFor('PlayCompleted', callConnectionId);
      assert.equal(done.operationContext, 'elsewhere');
      assert.ok(!fx.callbacks.kinds(callConnectionId).includes('PlayCompleted'));
    } finally {
      await other.close();
    }
  });
});
