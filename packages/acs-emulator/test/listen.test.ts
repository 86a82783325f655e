import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import WebSocket from 'ws';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';
import { MediaSocketServer } from './support/mediaSocketServer';

// The console's speaker: what the caller hears, as 16 kHz PCM16 frames over /control/calls/{id}/audio.

describe('listening to a call, and talking into it by microphone', () => {
  let fx: Fixture;
  let client: CallAutomationClient;
  let media: MediaSocketServer;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
    media = await new MediaSocketServer().start();
  });
  after(async () => {
    await fx.close();
    await media.close();
  });

  const socket = (serverCallId: string, kind: 'audio' | 'microphone') => {
    const url = `${fx.acs.controlUrl.replace(/^https/, 'wss')}/calls/${serverCallId}/${kind}`;
    return new WebSocket(url, { ca: readFileSync(fx.acs.caCertPath, 'utf8') });
  };
  const listen = (serverCallId: string) => socket(serverCallId, 'audio');

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

  it("streams the microphone's audio to the app as the caller's voice, and says how much was spoken", async () => {
    const before = media.connections.length;
    const { serverCallId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=mic`,
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: true,
        audioFormat: 'pcm16KMono',
      },
    });
    const connection = await media.until(() => media.connections[before]);
    const mic = socket(serverCallId, 'microphone');
    await new Promise((resolve, reject) => mic.once('open', resolve).once('error', reject));
    // Half a second of a 440 Hz tone in four frames, as a browser's worklet sends it.
    const tone = new Int16Array(8_000).map((_, i) => Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / 16_000)));
    for (let k = 0; k < 4; k++) mic.send(Buffer.from(tone.buffer, k * 4_000, 4_000), { binary: true });
    mic.send('not audio');
    const spoken = () =>
      connection.frames.filter((f) => f.frame.kind === 'AudioData' && f.frame.audioData?.silent === false).length;
    await media.until(() => (spoken() >= 25 ? true : undefined), 10_000, "the microphone's half second");
    mic.close();
    const off = await fx.acs.control.waitFor({ kind: 'world', type: 'microphoneOff', serverCallId });
    assert.deepEqual(off.data, { ms: 500 });
    await fx.acs.control.hangUp(serverCallId);
  });
});
