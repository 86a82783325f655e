import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient, type CallConnection } from '@azure/communication-call-automation';
import { CALLER, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';

describe('answering an inbound call and running media', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  async function answeredCall(): Promise<{
    serverCallId: string;
    connection: CallConnection;
    callConnectionId: string;
  }> {
    const placed = await fx.acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE, callerDisplayName: 'Caller' });
    const incoming = await fx.eventGrid.waitForMatch(
      'Microsoft.Communication.IncomingCall',
      (e) => e.data.serverCallId === placed.serverCallId,
    );
    const result = await client.answerCall(String(incoming.data.incomingCallContext), fx.callbacks.url);
    const callConnectionId = result.callConnectionProperties.callConnectionId!;
    await fx.callbacks.waitFor('CallConnected', callConnectionId);
    return { serverCallId: placed.serverCallId, connection: result.callConnection, callConnectionId };
  }

  it('answers the call and reports CallConnected then ParticipantsUpdated', async () => {
    const { callConnectionId, connection } = await answeredCall();
    await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId);
    assert.deepEqual(fx.callbacks.kinds(callConnectionId).slice(0, 2), ['CallConnected', 'ParticipantsUpdated']);
    const props = await connection.getCallConnectionProperties();
    assert.equal(props.callConnectionState, 'connected');
    const { values } = await connection.listParticipants();
    assert.ok(values?.some((p) => p.identifier !== undefined && 'phoneNumber' in p.identifier));
  });

  it('plays text and reports PlayStarted then PlayCompleted', async () => {
    const { callConnectionId, connection } = await answeredCall();
    await connection
      .getCallMedia()
      .playToAll([{ kind: 'textSource', text: 'Hello there', voiceName: 'en-US-NancyNeural' }], {
        operationContext: 'greet',
      });
    const done = await fx.callbacks.waitFor('PlayCompleted', callConnectionId);
    assert.equal(done.operationContext, 'greet');
    const kinds = fx.callbacks.kinds(callConnectionId);
    assert.ok(kinds.indexOf('PlayStarted') < kinds.indexOf('PlayCompleted'));
  });

  it('recognizes the digits the caller presses', async () => {
    const { callConnectionId, connection, serverCallId } = await answeredCall();
    await connection.getCallMedia().startRecognizing(
      { phoneNumber: CALLER },
      {
        kind: 'callMediaRecognizeDtmfOptions',
        maxTonesToCollect: 3,
        // ACS's longest (300 s) is 3 s at the fixture's 100x time: the test never races the caller's silence.
        initialSilenceTimeoutInSeconds: 300,
        interToneTimeoutInSeconds: 60,
        playPrompt: { kind: 'textSource', text: 'Enter your code' },
        operationContext: 'code',
      },
    );
    await fx.acs.control.waitForRequest('recognize', { callConnectionId });
    await fx.acs.control.pressDigits(serverCallId, '123');
    const done = await fx.callbacks.waitFor('RecognizeCompleted', callConnectionId);
    assert.equal(done.recognitionType, 'dtmf');
    assert.deepEqual(done.dtmfResult?.tones, ['one', 'two', 'three']);
    assert.equal(done.resultInformation?.subCode, 8531);
  });
});
