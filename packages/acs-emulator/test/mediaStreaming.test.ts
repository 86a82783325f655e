import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { answerIncomingCall, CALLER, startFixture, type Fixture } from './support/fixtures';
import { MediaSocketServer, type MediaConnection } from './support/mediaSocketServer';

describe('media streaming and transcription WebSockets', () => {
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

  const audioFrames = (c: MediaConnection) => c.frames.filter((f) => f.frame.kind === 'AudioData');

  it('connects with a verifiable 24-hour JWT and the call headers, then sends AudioMetadata and 640-byte AudioData 50 times a second', async () => {
    const { jwtVerify, createRemoteJWKSet } = await import('jose');
    const before = media.connections.length;
    const { serverCallId, callConnectionId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=a`,
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: true,
        audioFormat: 'pcm16KMono',
      },
    });
    const connection = await media.until(() => media.connections[before]);
    const { payload } = await jwtVerify(
      String(connection.headers.authorization).replace(/^Bearer /, ''),
      createRemoteJWKSet(new URL(fx.acs.jwksUrl)),
      {
        issuer: fx.acs.issuer,
        audience: fx.acs.immutableResourceId,
        algorithms: ['RS256'],
      },
    );
    // Docs: a WebSocket token lives 24 hours; the upgrade carries x-ms-call-connection-id and x-ms-call-correlation-id.
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 24 * 3600);
    assert.equal(connection.headers['x-ms-call-connection-id'], callConnectionId);
    assert.match(String(connection.headers['x-ms-call-correlation-id']), /^[\w-]{36}$/);
    const frames = await media.until(
      () => (audioFrames(connection).length >= 51 ? audioFrames(connection) : undefined),
      5_000,
      '51 audio frames',
    );
    assert.equal(connection.frames[0]?.frame.kind, 'AudioMetadata');
    assert.equal(connection.frames[0]?.frame.audioMetadata?.sampleRate, 16_000);
    assert.equal(connection.frames[0]?.frame.audioMetadata?.encoding, 'PCM');
    for (const { frame } of frames) assert.equal(Buffer.from(frame.audioData?.data ?? '', 'base64').length, 640);
    const elapsed = frames[50].at - frames[0].at;
    assert.ok(elapsed > 800 && elapsed < 1_600, `50 frames took ${elapsed} ms`);
    assert.equal(frames[0]?.frame.audioData?.silent, true);

    await fx.acs.control.say(serverCallId, 'I would like to speak to someone about my bill');
    // The caller's words arrive as synthesized speech: well over half a second of non-silent frames.
    await media.until(
      () =>
        audioFrames(connection).filter((f) => f.frame.audioData?.silent === false).length >= 40 ? true : undefined,
      10_000,
      'a spoken sentence',
    );
  });

  it('sends 960-byte unmixed frames with the speaker at 24 kHz', async () => {
    const before = media.connections.length;
    await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=b`,
        audioChannelType: 'unmixed',
        contentType: 'audio',
        startMediaStreaming: true,
        audioFormat: 'pcm24KMono',
      },
    });
    const connection = await media.until(() => media.connections[before]);
    const [frame] = await media.until(() =>
      audioFrames(connection).length >= 1 ? audioFrames(connection) : undefined,
    );
    assert.equal(Buffer.from(frame.frame.audioData?.data ?? '', 'base64').length, 960);
    assert.equal(frame.frame.audioData?.participantRawID, `4:${CALLER}`);
  });

  it('accepts bidirectional audio from the app and stops streaming on request', async () => {
    const before = media.connections.length;
    const {
      connection: call,
      serverCallId,
      callConnectionId,
    } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=c`,
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: false,
        enableBidirectional: true,
      },
    });
    await call.getCallMedia().startMediaStreaming();
    const connection = await media.until(() => media.connections[before]);
    connection.socket.send(
      JSON.stringify({
        kind: 'audioData',
        audioData: { data: Buffer.alloc(640).toString('base64'), isSilent: false },
        stopAudio: {},
      }),
    );
    connection.socket.send(JSON.stringify({ kind: 'stopAudio', stopAudio: {} }));
    const received = await fx.acs.control.waitForWorld('mediaAudioReceived', { serverCallId });
    assert.deepEqual(received.data, { bytes: 640 });
    await fx.acs.control.waitForWorld('mediaStopAudio', { serverCallId });
    await call.getCallMedia().stopMediaStreaming();
    await media.until(() => (connection.closed ? true : undefined), 5_000, 'the socket to close');
    await fx.callbacks.waitFor('MediaStreamingStopped', callConnectionId);
  });

  it("forwards the caller's keys as DtmfData when the stream asks for them", async () => {
    const before = media.connections.length;
    const { serverCallId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=d`,
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: true,
        enableDtmfTones: true,
      },
    });
    const connection = await media.until(() => media.connections[before]);
    await fx.acs.control.waitForWorld('mediaStreamConnected', { serverCallId });
    await fx.acs.control.pressDigits(serverCallId, '4#');
    const keys = await media.until(() => {
      const found = connection.frames.filter((f) => f.frame.kind === 'DtmfData').map((f) => f.frame.dtmfData?.data);
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(keys, ['4', '#']);
  });

  it('reports MediaStreamingFailed when the app socket cannot be reached', async () => {
    const { callConnectionId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: 'ws://127.0.0.1:9/nothing',
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: true,
      },
    });
    const failed = await fx.callbacks.waitFor('MediaStreamingFailed', callConnectionId);
    assert.equal(failed.mediaStreamingUpdate?.mediaStreamingStatus, 'mediaStreamingFailed');
  });

  it('transcribes what the caller says', async () => {
    const before = media.connections.length;
    const { serverCallId } = await answerIncomingCall(fx, client, {
      transcriptionOptions: {
        transportType: 'websocket',
        transportUrl: `${media.url}?call=t`,
        locale: 'en-US',
        startTranscription: true,
      },
    });
    const connection = await media.until(() => media.connections[before]);
    await media.until(() => connection.frames[0]);
    assert.equal(connection.frames[0]?.frame.kind, 'TranscriptionMetadata');
    await fx.acs.control.say(serverCallId, 'I need help with my bill');
    const data = await media.until(() => connection.frames.find((f) => f.frame.kind === 'TranscriptionData'));
    assert.equal(data.frame.transcriptionData?.text, 'I need help with my bill');
    assert.equal(data.frame.transcriptionData?.participantRawID, `4:${CALLER}`);
    assert.equal(data.frame.transcriptionData?.words?.length, 6);
    assert.equal(data.frame.transcriptionData?.resultStatus, 'Final');
  });
});
