import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import WebSocket from 'ws';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';

// The console's speaker: what the caller hears, as 16 kHz PCM16 frames over /control/calls/{id}/audio.

describe('listening to a call', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  const listen = (serverCallId: string) => {
    const url = `${fx.acs.controlUrl.replace(/^https/, 'wss')}/calls/${serverCallId}/audio`;
    return new WebSocket(url, { ca: readFileSync(fx.acs.caCertPath, 'utf8') });
  };

  it('hears a played prompt as speech the emulator synthesizes, and the socket closes when the call ends', async () => {
    const { connection, serverCallId } = await answerIncomingCall(fx, client);
    const ws = listen(serverCallId);
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    await connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'Thanks for calling Contoso.' }]);
    await fx.acs.control.waitFor({ kind: 'world', type: 'promptPlayed', serverCallId });
    await fx.acs.control.hangUp(serverCallId);
    assert.equal(await closed, 1000);
    const samples = frames.reduce((n, f) => n + f.length / 2, 0);
    // About a second of speech or more at 16 kHz, not silence.
    assert.ok(samples > 8_000, `only ${samples} samples`);
    const pcm = new Int16Array(Buffer.concat(frames).buffer.slice(0));
    assert.ok(pcm.some((s) => Math.abs(s) > 1000));
  });

  it('refuses to listen to a call that does not exist', async () => {
    const ws = listen('no-such-call');
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    assert.equal(status, 404);
  });
});
