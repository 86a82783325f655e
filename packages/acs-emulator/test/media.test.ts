import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient, DtmfTone } from '@azure/communication-call-automation';
import { MediaSocketServer } from './support/mediaSocketServer';
import { signedJson } from './support/rawHttp';
import { answerIncomingCall, CALLER, startFixture, type Fixture } from './support/fixtures';

const caller = { phoneNumber: CALLER };
// Long enough that the test's control request always lands first; silence is triggered explicitly.
const PATIENT = 300;

describe('play, recognize and other media operations', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('plays SSML and a file to one participant', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().play(
      [
        {
          kind: 'ssmlSource',
          ssmlText: '<speak version="1.0" xml:lang="en-US"><voice name="en-US-JennyNeural">Hi</voice></speak>',
        },
        { kind: 'fileSource', url: 'https://media.example/welcome.wav' },
      ],
      [caller],
      { operationContext: 'two-sources' },
    );
    const done = await fx.callbacks.waitFor('PlayCompleted', callConnectionId);
    assert.equal(done.operationContext, 'two-sources');
    assert.equal(done.resultInformation?.code, 200);
  });

  it('reports PlayFailed with the index of the source that failed', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().playToAll([
      { kind: 'textSource', text: 'Fine' },
      { kind: 'fileSource', url: 'https://media.example/notes.txt' },
    ]);
    const failed = await fx.callbacks.waitFor('PlayFailed', callConnectionId);
    assert.equal(failed.failedPlaySourceIndex, 1);
    assert.equal(failed.resultInformation?.subCode, 8535);
    assert.ok(!fx.callbacks.kinds(callConnectionId).includes('PlayStarted'));
  });

  it('loops a prompt until cancelAllMediaOperations, which reports PlayCanceled', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.playToAll([{ kind: 'textSource', text: 'Please hold' }], {
      loop: true,
      operationContext: 'hold-music',
    });
    await fx.callbacks.waitFor('PlayStarted', callConnectionId);
    await media.cancelAllOperations();
    const cancelled = await fx.callbacks.waitFor('PlayCanceled', callConnectionId);
    assert.equal(cancelled.operationContext, 'hold-music');
    assert.ok(!fx.callbacks.kinds(callConnectionId).includes('PlayCompleted'));
  });

  it('interrupts the current prompt when a new play asks to', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.playToAll([{ kind: 'textSource', text: 'Long' }], { loop: true, operationContext: 'loop' });
    await fx.callbacks.waitFor('PlayStarted', callConnectionId);
    await media.playToAll([{ kind: 'textSource', text: 'Urgent' }], {
      interruptCallMediaOperation: true,
      operationContext: 'urgent',
    });
    await fx.callbacks.waitFor('PlayCompleted', callConnectionId, 5_000, (e) => e.operationContext === 'urgent');
    const plays = fx.callbacks
      .events(callConnectionId)
      .filter((e) => e.kind.startsWith('Play'))
      .map((e) => `${e.kind}:${(e as { operationContext?: string }).operationContext}`);
    assert.deepEqual(plays, ['PlayStarted:loop', 'PlayCanceled:loop', 'PlayStarted:urgent', 'PlayCompleted:urgent']);
  });

  it('stops collecting digits at a stop tone', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 10,
      stopDtmfTones: [DtmfTone.Pound],
      initialSilenceTimeoutInSeconds: PATIENT,
      interToneTimeoutInSeconds: 60,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.pressDigits(serverCallId, '42#');
    const done = await fx.callbacks.waitFor('RecognizeCompleted', callConnectionId);
    assert.deepEqual(done.dtmfResult?.tones, ['four', 'two']);
    assert.equal(done.resultInformation?.subCode, 8514);
  });

  it('fails with 8532 when the caller pauses between digits too long', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 4,
      initialSilenceTimeoutInSeconds: PATIENT,
      interToneTimeoutInSeconds: 2,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.pressDigits(serverCallId, '7');
    const failed = await fx.callbacks.waitFor('RecognizeFailed', callConnectionId);
    assert.equal(failed.resultInformation?.subCode, 8532);
  });

  it('fails with 8510 when the caller stays silent', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 1,
      playPrompt: { kind: 'textSource', text: 'Press one' },
      initialSilenceTimeoutInSeconds: PATIENT,
      operationContext: 'menu',
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.staySilent(serverCallId);
    const failed = await fx.callbacks.waitFor('RecognizeFailed', callConnectionId);
    assert.equal(failed.resultInformation?.subCode, 8510);
    assert.equal(failed.operationContext, 'menu');
  });

  it('times out on its own after the initial silence timeout', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 1,
      initialSilenceTimeoutInSeconds: 2,
    });
    const failed = await fx.callbacks.waitFor('RecognizeFailed', callConnectionId);
    assert.equal(failed.resultInformation?.subCode, 8510);
  });

  it('recognizes speech', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection
      .getCallMedia()
      .startRecognizing(caller, { kind: 'callMediaRecognizeSpeechOptions', initialSilenceTimeoutInSeconds: PATIENT });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.say(serverCallId, 'I would like to pay my bill');
    const done = await fx.callbacks.waitFor('RecognizeCompleted', callConnectionId);
    assert.equal(done.recognitionType, 'speech');
    assert.equal(done.speechResult?.speech, 'I would like to pay my bill');
  });

  const choices = [
    { label: 'billing', phrases: ['billing', 'invoice'], tone: DtmfTone.One },
    { label: 'sales', phrases: ['sales', 'buy something'], tone: DtmfTone.Two },
  ];

  it('matches a spoken phrase to a choice', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeChoiceOptions',
      choices,
      playPrompt: { kind: 'textSource', text: 'Say billing or sales' },
      interruptPrompt: true,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.say(serverCallId, 'I want to buy something, please.');
    const done = await fx.callbacks.waitFor('RecognizeCompleted', callConnectionId);
    assert.equal(done.recognitionType, 'choices');
    assert.equal(done.choiceResult?.label, 'sales');
    assert.equal(done.choiceResult?.recognizedPhrase, 'buy something');
  });

  it('matches a key press to a choice, and fails 8534 on a tone no choice has', async () => {
    const first = await answerIncomingCall(fx, client);
    await first.connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeChoiceOptions',
      choices,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId: first.callConnectionId });
    await fx.acs.control.pressDigits(first.serverCallId, '1');
    assert.equal(
      (await fx.callbacks.waitFor('RecognizeCompleted', first.callConnectionId)).choiceResult?.label,
      'billing',
    );

    const second = await answerIncomingCall(fx, client);
    await second.connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeChoiceOptions',
      choices,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId: second.callConnectionId });
    await fx.acs.control.pressDigits(second.serverCallId, '9');
    assert.equal(
      (await fx.callbacks.waitFor('RecognizeFailed', second.callConnectionId)).resultInformation?.subCode,
      8534,
    );
  });

  it('fails 8547 when what the caller says matches no choice', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeChoiceOptions',
      choices,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.say(serverCallId, 'weather forecast');
    assert.equal((await fx.callbacks.waitFor('RecognizeFailed', callConnectionId)).resultInformation?.subCode, 8547);
  });

  it('takes speech or digits in a speechOrDtmf recognize', async () => {
    const spoken = await answerIncomingCall(fx, client);
    await spoken.connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeSpeechOrDtmfOptions',
      maxTonesToCollect: 2,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId: spoken.callConnectionId });
    await fx.acs.control.say(spoken.serverCallId, 'agent');
    assert.equal((await fx.callbacks.waitFor('RecognizeCompleted', spoken.callConnectionId)).recognitionType, 'speech');

    const pressed = await answerIncomingCall(fx, client);
    await pressed.connection.getCallMedia().startRecognizing(caller, {
      kind: 'callMediaRecognizeSpeechOrDtmfOptions',
      maxTonesToCollect: 2,
      initialSilenceTimeoutInSeconds: PATIENT,
    });
    await fx.acs.control.waitForRequest('recognize', { callConnectionId: pressed.callConnectionId });
    await fx.acs.control.pressDigits(pressed.serverCallId, '*0');
    const done = await fx.callbacks.waitFor('RecognizeCompleted', pressed.callConnectionId);
    assert.equal(done.recognitionType, 'dtmf');
    assert.deepEqual(done.dtmfResult?.tones, ['asterisk', 'zero']);
  });

  it('cancels a recognize with RecognizeCanceled', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.startRecognizing(caller, {
      kind: 'callMediaRecognizeDtmfOptions',
      maxTonesToCollect: 1,
      initialSilenceTimeoutInSeconds: PATIENT,
      operationContext: 'ask',
    });
    await media.cancelAllOperations();
    assert.equal((await fx.callbacks.waitFor('RecognizeCanceled', callConnectionId)).operationContext, 'ask');
  });

  it('refuses a recognize without a valid input type or with timeouts out of range', async () => {
    const { callConnectionId, connection } = await answerIncomingCall(fx, client);
    const key = fx.acs.accessKey;
    const res = await signedJson(
      key,
      fx.acs.endpoint,
      'POST',
      `/calling/callConnections/${callConnectionId}:recognize?api-version=2026-03-12`,
      { recognizeInputType: 'telepathy' },
    );
    assert.equal(res.status, 400);
    await assert.rejects(
      connection.getCallMedia().startRecognizing(caller, {
        kind: 'callMediaRecognizeDtmfOptions',
        maxTonesToCollect: 1,
        initialSilenceTimeoutInSeconds: 301,
      }),
      (err: { statusCode?: number }) => err.statusCode === 400,
    );
    await assert.rejects(
      connection.getCallMedia().startRecognizing(caller, {
        kind: 'callMediaRecognizeDtmfOptions',
        maxTonesToCollect: 1,
        interToneTimeoutInSeconds: 61,
      }),
      (err: { statusCode?: number }) => err.statusCode === 400,
    );
  });

  it('reports every key in continuous DTMF recognition until stopped', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.startContinuousDtmfRecognition(caller, { operationContext: 'keys' });
    await fx.acs.control.pressDigits(serverCallId, '9*');
    const received = await fx.callbacks.waitForCount('ContinuousDtmfRecognitionToneReceived', 2, callConnectionId);
    assert.deepEqual(
      received.map((e) => [(e as { tone?: string }).tone, (e as { sequenceId?: number }).sequenceId]),
      [
        ['nine', 1],
        ['asterisk', 2],
      ],
    );
    await media.stopContinuousDtmfRecognition(caller);
    await fx.callbacks.waitFor('ContinuousDtmfRecognitionStopped', callConnectionId);
  });

  it('sends DTMF tones to a participant', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    const result = await connection
      .getCallMedia()
      .sendDtmfTones([DtmfTone.One, DtmfTone.Pound], caller, { operationContext: 'dial-ext' });
    assert.equal(result.operationContext, 'dial-ext');
    await fx.callbacks.waitFor('SendDtmfTonesCompleted', callConnectionId);
    const sent = await fx.acs.control.waitForWorld('dtmfSent', { serverCallId });
    assert.deepEqual(sent.data, { tones: ['one', 'pound'] });
  });

  it('holds and unholds a participant, reported in ParticipantsUpdated', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const media = connection.getCallMedia();
    await media.hold(caller);
    await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId, 5_000, (e) =>
      e.participants.some((p) => p.isOnHold),
    );
    assert.equal((await connection.getParticipant(caller)).isOnHold, true);
    await media.unhold(caller);
    assert.equal((await connection.getParticipant(caller)).isOnHold, false);
    await media.hold({ phoneNumber: '+18005550123' });
    await fx.callbacks.waitFor('HoldFailed', callConnectionId);
  });

  it('starts and stops media streaming and transcription when the call was set up for them', async () => {
    const sockets = await new MediaSocketServer().start();
    after(() => sockets.close());
    const { connection, callConnectionId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: sockets.url,
        audioChannelType: 'unmixed',
        contentType: 'audio',
      },
      transcriptionOptions: { transportType: 'websocket', transportUrl: sockets.url, locale: 'en-US' },
    });
    const media = connection.getCallMedia();
    await media.startMediaStreaming({ operationContext: 'stream' });
    await media.stopMediaStreaming();
    await media.startTranscription({ locale: 'en-GB' });
    await media.updateTranscription('fr-FR');
    await media.stopTranscription();
    await fx.callbacks.waitFor('TranscriptionStopped', callConnectionId);
    assert.deepEqual(fx.callbacks.kinds(callConnectionId).slice(2), [
      'MediaStreamingStarted',
      'MediaStreamingStopped',
      'TranscriptionStarted',
      'TranscriptionUpdated',
      'TranscriptionStopped',
    ]);
  });

  it('refuses media streaming on a call that was not set up for it', async () => {
    const { connection } = await answerIncomingCall(fx, client);
    await assert.rejects(
      connection.getCallMedia().startMediaStreaming(),
      (err: { statusCode?: number }) => err.statusCode === 400,
    );
  });
});
