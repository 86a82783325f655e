import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { synthesize } from '@switchboard/audio/speechSynthesizer';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';

const FILE_UPDATED = 'Microsoft.Communication.RecordingFileStatusUpdated';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('call recording', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    const proxy = new URL(fx.acs.proxyUrl);
    // The SDK only downloads from *.asm.skype.com: the standard pipeline proxy setting reaches the emulator.
    client = new CallAutomationClient(fx.acs.connectionString, {
      proxyOptions: { host: `${proxy.protocol}//${proxy.hostname}`, port: Number(proxy.port) },
    });
  });
  after(() => fx.close());

  it('starts, pauses, resumes and stops with RecordingStateChanged, then publishes a WAV the SDK downloads', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    const recorder = client.getCallRecording();
    const started = await recorder.start({
      callLocator: { id: serverCallId, kind: 'serverCallLocator' },
      recordingContent: 'audio',
      recordingChannel: 'mixed',
      recordingFormat: 'wav',
    });
    assert.equal(started.recordingState, 'active');
    await fx.callbacks.waitFor('RecordingStateChanged', callConnectionId);
    await connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'This call is recorded.' }]);
    await fx.callbacks.waitFor('PlayCompleted', callConnectionId);
    await fx.acs.control.pressDigits(serverCallId, '5');
    await recorder.pause(started.recordingId);
    assert.equal((await recorder.getState(started.recordingId)).recordingState, 'inactive');
    await recorder.resume(started.recordingId);
    await recorder.stop(started.recordingId);
    const changes = await fx.callbacks.waitForCount('RecordingStateChanged', 4, callConnectionId);
    assert.deepEqual(
      changes.map((e) => (e as { state?: string }).state),
      ['active', 'inactive', 'active', 'inactive'],
    );

    const updated = await fx.eventGrid.waitForMatch(FILE_UPDATED, (e) => String(e.subject).includes(serverCallId));
    const chunk = (
      updated.data.recordingStorageInfo as {
        recordingChunks: Array<{ contentLocation: string; metadataLocation: string; deleteLocation: string }>;
      }
    ).recordingChunks[0];
    assert.match(chunk.contentLocation, /^https:\/\/[^/]+\.asm\.skype\.com\//);
    assert.equal(updated.data.sessionEndReason, 'RecordingStopped');

    const wav = await readAll(await recorder.downloadStreaming(chunk.contentLocation));
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
    assert.equal(wav.readUInt32LE(24), 16_000);
    assert.equal(wav.readUInt32LE(40), wav.length - 44);
    assert.ok(wav.length > 44 + 16_000, 'at least half a second of audio');
    assert.ok(
      wav.subarray(44).some((b) => b !== 0),
      'not only silence',
    );

    const part = await readAll(await recorder.downloadStreaming(chunk.contentLocation, { offset: 8, length: 4 }));
    assert.equal(part.toString('ascii'), 'WAVE', 'Range requests are honoured (206)');

    const dir = mkdtempSync(join(tmpdir(), 'acs-rec-'));
    await recorder.downloadToPath(chunk.contentLocation, join(dir, 'call.wav'));
    assert.deepEqual(readFileSync(join(dir, 'call.wav')), wav);

    await recorder.delete(chunk.deleteLocation);
    await assert.rejects(recorder.downloadStreaming(chunk.contentLocation));
  });

  it('renders prompts and what the caller says with offline text-to-speech', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    const recorder = client.getCallRecording();
    const { recordingId } = await recorder.start({ callConnectionId });
    await connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'Thanks for calling Contoso.' }]);
    await fx.callbacks.waitFor('PlayCompleted', callConnectionId);
    await fx.acs.control.say(serverCallId, 'I have a question about my bill.');
    await recorder.stop(recordingId);
    const updated = await fx.eventGrid.waitForMatch(
      FILE_UPDATED,
      (e) => String(e.subject).includes(serverCallId),
      20_000,
    );
    const chunk = (updated.data.recordingStorageInfo as { recordingChunks: Array<{ contentLocation: string }> })
      .recordingChunks[0];
    const wav = await readAll(await recorder.downloadStreaming(chunk.contentLocation));
    const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    const voicedMs = (samples.filter((v) => Math.abs(v) > 500).length / 16_000) * 1000;
    assert.ok(voicedMs > 500, `only ${voicedMs} ms of voiced audio`);
  });

  it('synthesizes speech offline', async () => {
    const samples = await synthesize('Hello from the emulator', 'slt');
    assert.ok(samples && samples.length > 8_000, 'half a second of 16 kHz speech or more');
  });

  it('stops the recording when the call ends and reports it in RecordingFileStatusUpdated', async () => {
    const { callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await client.getCallRecording().start({ callConnectionId });
    await fx.acs.control.hangUp(serverCallId);
    const updated = await fx.eventGrid.waitForMatch(FILE_UPDATED, (e) => String(e.subject).includes(serverCallId));
    assert.equal(updated.data.sessionEndReason, 'CallEnded');
  });

  it('refuses to record a call that does not exist', async () => {
    await assert.rejects(
      client.getCallRecording().start({ callLocator: { id: 'bm8tY2FsbA', kind: 'serverCallLocator' } }),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
  });

  it('refuses the combinations ACS does not record', async () => {
    const { serverCallId } = await answerIncomingCall(fx, client);
    const start = (
      recordingContent: 'audio' | 'audioVideo',
      recordingChannel: 'mixed' | 'unmixed',
      recordingFormat: 'wav' | 'mp3' | 'mp4',
    ) =>
      client.getCallRecording().start({
        callLocator: { id: serverCallId, kind: 'serverCallLocator' },
        recordingContent,
        recordingChannel,
        recordingFormat,
      });
    const refused = async (promise: Promise<unknown>, message: RegExp) =>
      assert.rejects(promise, (err: { statusCode?: number; message?: string }) => {
        assert.equal(err.statusCode, 400);
        assert.match(String(err.message), message);
        return true;
      });
    await refused(start('audioVideo', 'mixed', 'wav'), /audioVideo mixed as wav is not supported/);
    await refused(start('audio', 'unmixed', 'mp3'), /audio unmixed as mp3 is not supported/);
    await refused(start('audioVideo', 'unmixed', 'mp4'), /not supported/);
    await refused(start('audio', 'mixed', 'mp4'), /audio mixed as mp4 is not supported/);
  });

  it('records every combination ACS records as a real file of its format, with the metadata ACS reports', async () => {
    const mb = await import('mediabunny');
    const combinations = [
      ['audio', 'mixed', 'wav'],
      ['audio', 'unmixed', 'wav'],
      ['audio', 'mixed', 'mp3'],
      ['audioVideo', 'mixed', 'mp4'],
    ] as const;
    for (const [recordingContent, recordingChannel, recordingFormat] of combinations) {
      const what = `${recordingContent} ${recordingChannel} ${recordingFormat}`;
      const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
      const recorder = client.getCallRecording();
      const { recordingId } = await recorder.start({
        callLocator: { id: serverCallId, kind: 'serverCallLocator' },
        recordingContent,
        recordingChannel,
        recordingFormat,
      });
      await connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'This call is recorded.' }]);
      await fx.callbacks.waitFor('PlayCompleted', callConnectionId);
      await fx.acs.control.pressDigits(serverCallId, '1');
      await recorder.stop(recordingId);
      const updated = await fx.eventGrid.waitForMatch(
        FILE_UPDATED,
        (e) => String(e.subject).includes(serverCallId),
        30_000,
      );
      const title = (w: string) => w[0].toUpperCase() + w.slice(1);
      assert.equal(updated.data.recordingContentType, title(recordingContent), what);
      assert.equal(updated.data.recordingChannelType, title(recordingChannel), what);
      assert.equal(updated.data.recordingFormatType, title(recordingFormat), what);
      const chunk = (
        updated.data.recordingStorageInfo as {
          recordingChunks: Array<{ contentLocation: string; metadataLocation: string }>;
        }
      ).recordingChunks[0];
      assert.match(
        chunk.contentLocation,
        recordingContent === 'audioVideo' ? /\/content\/video$/ : /\/content\/audio$/,
      );
      const file = await readAll(await recorder.downloadStreaming(chunk.contentLocation));
      const metadata = JSON.parse(
        (await readAll(await recorder.downloadStreaming(chunk.metadataLocation))).toString('utf8'),
      ) as {
        recordingInfo: { format: string; audioConfiguration: { channels: string }; videoConfiguration?: unknown };
        participants: { participantId: string; channel?: number }[];
      };
      assert.equal(metadata.recordingInfo.format, recordingFormat, what);
      const input = new mb.Input({ source: new mb.BufferSource(file), formats: mb.ALL_FORMATS });
      const tracks = await input.getTracks();
      const audio = tracks.find((t) => t.isAudioTrack());
      assert.ok(audio?.isAudioTrack(), `${what}: an audio track`);
      assert.equal(audio.sampleRate, 16_000, what);
      assert.equal(audio.numberOfChannels, Number(metadata.recordingInfo.audioConfiguration.channels), what);
      assert.ok((await input.computeDuration()) > 0.5, `${what}: at least half a second`);
      if (recordingFormat === 'wav') assert.equal(audio.codec, 'pcm-s16', what);
      else assert.equal(audio.codec, 'mp3', what);
      if (recordingContent === 'audioVideo') {
        assert.equal((await input.getFormat()).name, 'MP4');
        const video = tracks.find((t) => t.isVideoTrack());
        assert.ok(video?.isVideoTrack(), 'a video track');
        assert.equal(video.codec, 'avc');
        assert.ok(metadata.recordingInfo.videoConfiguration, 'the video configuration in the metadata');
      }
      if (recordingChannel === 'unmixed') {
        // The prompt (the app's number) and the caller's keys: a channel each, the mapping in the metadata.
        assert.equal(audio.numberOfChannels, 2);
        const caller = metadata.participants.find((p) => p.channel !== undefined);
        assert.ok(caller, 'the channel of each participant heard');
      }
      await fx.acs.control.hangUp(serverCallId);
    }
  });
});
