import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { MediaSocketServer } from './support/mediaSocketServer';
import { AGENT, answerIncomingCall, CALLER, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';

function rejectsWith(status: number, code?: string) {
  return (err: { statusCode?: number; code?: string }) => {
    assert.equal(err.statusCode, status);
    if (code) assert.equal(err.code, code);
    return true;
  };
}

describe('call connections', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture({ agents: { '+18005550199': { kind: 'reject' }, '+18005550198': { kind: 'noAnswer' } } });
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  async function ringing() {
    const placed = await fx.acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
    const incoming = await fx.eventGrid.waitForMatch(
      'Microsoft.Communication.IncomingCall',
      (e) => e.data.serverCallId === placed.serverCallId,
    );
    return { serverCallId: placed.serverCallId, context: String(incoming.data.incomingCallContext), event: incoming };
  }

  it('delivers IncomingCall with the caller, the dialled number and a context to answer with', async () => {
    const { event, serverCallId } = await ringing();
    assert.equal(event.subject, `/caller/4:${CALLER}/recipient/4:${SUPPORT_LINE}`);
    assert.deepEqual(event.data.from, { kind: 'phoneNumber', rawId: `4:${CALLER}`, phoneNumber: { value: CALLER } });
    assert.deepEqual((event.data.to as { phoneNumber: unknown }).phoneNumber, { value: SUPPORT_LINE });
    assert.equal(event.data.serverCallId, serverCallId);
    assert.equal(event.metadataVersion, '1');
  });

  it('answers with 200 and the call properties, and refuses to answer the same call twice', async () => {
    const { context } = await ringing();
    const result = await client.answerCall(context, fx.callbacks.url);
    assert.equal(
      result.callConnectionProperties.callbackUrl ??
        (result.callConnectionProperties as { callbackUri?: string }).callbackUri,
      fx.callbacks.url,
    );
    assert.ok(result.callConnectionProperties.callConnectionId);
    assert.ok(result.callConnectionProperties.serverCallId);
    await assert.rejects(client.answerCall(context, fx.callbacks.url), rejectsWith(400, '8523'));
  });

  it('refuses to answer with an unknown incoming call context', async () => {
    await assert.rejects(client.answerCall('not-a-real-context', fx.callbacks.url), rejectsWith(404));
  });

  it('starts media streaming and transcription after CallConnected when the answer asks for them', async () => {
    const sockets = await new MediaSocketServer().start();
    after(() => sockets.close());
    const { callConnectionId } = await answerIncomingCall(fx, client, {
      mediaStreamingOptions: {
        transportType: 'websocket',
        transportUrl: sockets.url,
        audioChannelType: 'mixed',
        contentType: 'audio',
        startMediaStreaming: true,
      },
      transcriptionOptions: {
        transportType: 'websocket',
        transportUrl: sockets.url,
        locale: 'en-US',
        startTranscription: true,
      },
    });
    await fx.callbacks.waitFor('TranscriptionStarted', callConnectionId);
    assert.deepEqual(fx.callbacks.kinds(callConnectionId), [
      'CallConnected',
      'ParticipantsUpdated',
      'MediaStreamingStarted',
      'TranscriptionStarted',
    ]);
    const started = await fx.callbacks.waitFor('MediaStreamingStarted', callConnectionId);
    assert.equal(started.mediaStreamingUpdate?.mediaStreamingStatus, 'mediaStreamingStarted');
  });

  it('redirects a ringing call with 204 and no callbacks', async () => {
    const { context, serverCallId } = await ringing();
    await client.redirectCall(context, { targetParticipant: { phoneNumber: AGENT } });
    const world = await fx.acs.control.waitForWorld('redirected', { serverCallId });
    assert.ok(world);
    assert.equal((await fx.acs.control.getCall(serverCallId)).connectedTo?.rawId, `4:${AGENT}`);
  });

  it('rejects a ringing call with a reason', async () => {
    const { context, serverCallId } = await ringing();
    await client.rejectCall(context, { callRejectReason: 'busy' });
    const entry = await fx.acs.control.waitForWorld('rejected', { serverCallId });
    assert.deepEqual(entry.data, { reason: 'busy' });
    await assert.rejects(client.answerCall(context, fx.callbacks.url), rejectsWith(400));
  });

  it('creates an outbound PSTN call that connects when the callee answers', async () => {
    const result = await client.createCall(
      { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
      { operationContext: 'outbound' },
    );
    const id = result.callConnectionProperties.callConnectionId!;
    assert.equal(result.callConnectionProperties.callConnectionState, 'connecting');
    const connected = await fx.callbacks.waitFor('CallConnected', id);
    assert.equal(connected.operationContext, 'outbound');
    const updated = await fx.callbacks.waitFor('ParticipantsUpdated', id);
    assert.ok(
      updated.participants.some(
        (p) => p.identifier && 'phoneNumber' in p.identifier && p.identifier.phoneNumber === AGENT,
      ),
    );
  });

  it('lets the callee of an outbound call answer a menu and hang up', async () => {
    const result = await client.createCall(
      { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
    );
    const id = result.callConnectionProperties.callConnectionId!;
    const serverCallId = result.callConnectionProperties.serverCallId!;
    await fx.callbacks.waitFor('CallConnected', id);
    await result.callConnection
      .getCallMedia()
      .startRecognizing(
        { phoneNumber: AGENT },
        { kind: 'callMediaRecognizeDtmfOptions', maxTonesToCollect: 1, initialSilenceTimeoutInSeconds: 300 },
      );
    await fx.acs.control.waitForRequest('recognize', { callConnectionId: id });
    await fx.acs.control.pressDigits(serverCallId, '1');
    assert.deepEqual((await fx.callbacks.waitFor('RecognizeCompleted', id)).dtmfResult?.tones, ['one']);
    await fx.acs.control.hangUp(serverCallId);
    await fx.callbacks.waitFor('CallDisconnected', id);
  });

  it('creates a call to an ACS user', async () => {
    const result = await client.createCall(
      { targetParticipant: { communicationUserId: '8:acs:someone' } },
      fx.callbacks.url,
    );
    await fx.callbacks.waitFor('CallConnected', result.callConnectionProperties.callConnectionId);
  });

  it('creates a group call that connects when the first target answers', async () => {
    const result = await client.createGroupCall(
      [{ communicationUserId: '8:acs:a' }, { communicationUserId: '8:acs:b' }],
      fx.callbacks.url,
    );
    await fx.callbacks.waitFor('CallConnected', result.callConnectionProperties.callConnectionId);
  });

  it('reports CreateCallFailed when the callee rejects or never answers', async () => {
    const rejected = await client.createCall(
      { targetParticipant: { phoneNumber: '+18005550199' }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
    );
    const failed = await fx.callbacks.waitFor('CreateCallFailed', rejected.callConnectionProperties.callConnectionId);
    assert.equal(failed.resultInformation?.code, 603);
    const unanswered = await client.createCall(
      { targetParticipant: { phoneNumber: '+18005550198' }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      fx.callbacks.url,
    );
    const timedOut = await fx.callbacks.waitFor(
      'CreateCallFailed',
      unanswered.callConnectionProperties.callConnectionId,
    );
    assert.equal(timedOut.resultInformation?.code, 408);
  });

  it('refuses a PSTN call without a caller id, and an invalid number', async () => {
    await assert.rejects(
      client.createCall({ targetParticipant: { phoneNumber: AGENT } }, fx.callbacks.url),
      rejectsWith(400, '8524'),
    );
    await assert.rejects(
      client.createCall(
        { targetParticipant: { phoneNumber: '0800 123' }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
        fx.callbacks.url,
      ),
      rejectsWith(400, '8524'),
    );
    await assert.rejects(
      client.createCall(
        { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
        'not a url',
      ),
      rejectsWith(400),
    );
  });

  it('connects to a group call, and reports ConnectFailed for an unknown server call', async () => {
    const group = await client.connectCall(
      { kind: 'groupCallLocator', id: '11111111-2222-3333-4444-555555555555' },
      fx.callbacks.url,
    );
    await fx.callbacks.waitFor('CallConnected', group.callConnectionProperties.callConnectionId);
    const unknown = await client.connectCall({ kind: 'serverCallLocator', id: 'bm90LWEtY2FsbA' }, fx.callbacks.url);
    await fx.callbacks.waitFor('ConnectFailed', unknown.callConnectionProperties.callConnectionId);
  });

  it('gets the properties of a connected call', async () => {
    const { connection, serverCallId } = await answerIncomingCall(fx, client);
    const props = await connection.getCallConnectionProperties();
    assert.equal(props.callConnectionState, 'connected');
    assert.equal(props.serverCallId, serverCallId);
    assert.deepEqual(props.answeredFor, { phoneNumber: SUPPORT_LINE });
  });

  it('hangs up with CallDisconnected, after which the call is not found', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.hangUp(false);
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
    await assert.rejects(connection.getCallConnectionProperties(), rejectsWith(404, '8522'));
    await assert.rejects(
      connection.getCallMedia().playToAll([{ kind: 'textSource', text: 'Hi' }]),
      rejectsWith(404, '8522'),
    );
  });

  it('terminates the call for everyone', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.hangUp(true);
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
    assert.equal((await fx.acs.control.getCall(serverCallId)).state, 'disconnected');
  });

  it('reports CallDisconnected when the caller hangs up', async () => {
    const { callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await fx.acs.control.hangUp(serverCallId);
    const disconnected = await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
    assert.equal(disconnected.serverCallId, serverCallId);
  });

  it('transfers to an agent who answers: CallTransferAccepted, then CallDisconnected', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    const result = await connection.transferCallToParticipant({ phoneNumber: AGENT }, { operationContext: 'to-agent' });
    assert.equal(result.operationContext, 'to-agent');
    const accepted = await fx.callbacks.waitFor('CallTransferAccepted', callConnectionId);
    assert.equal(accepted.operationContext, 'to-agent');
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
    const kinds = fx.callbacks.kinds(callConnectionId);
    assert.ok(kinds.indexOf('CallTransferAccepted') < kinds.indexOf('CallDisconnected'));
    assert.equal((await fx.acs.control.getCall(serverCallId)).connectedTo?.rawId, `4:${AGENT}`);
  });

  it('reports CallTransferFailed when the target rejects, and the call goes on', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.transferCallToParticipant({ phoneNumber: '+18005550199' });
    const failed = await fx.callbacks.waitFor('CallTransferFailed', callConnectionId);
    assert.equal(failed.resultInformation?.code, 603);
    assert.equal((await connection.getCallConnectionProperties()).callConnectionState, 'connected');
  });

  it('reports CallTransferFailed after the ring timeout when nobody answers', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await fx.acs.control.configureAgent('+18005550177', { kind: 'noAnswer' });
    await connection.transferCallToParticipant({ phoneNumber: '+18005550177' });
    const failed = await fx.callbacks.waitFor('CallTransferFailed', callConnectionId);
    assert.equal(failed.resultInformation?.code, 408);
  });

  it('refuses operations on a call id that never existed with 404 8522', async () => {
    const ghost = client.getCallConnection('00000000-0000-0000-0000-000000000000');
    await assert.rejects(ghost.transferCallToParticipant({ phoneNumber: AGENT }), rejectsWith(404, '8522'));
    await assert.rejects(ghost.listParticipants(), rejectsWith(404, '8522'));
    await assert.rejects(ghost.hangUp(true), rejectsWith(404, '8522'));
  });

  it('lets a call ring out when nobody answers it', async () => {
    const { serverCallId } = await fx.acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE, ringTimeoutMs: 1_000 });
    await fx.acs.control.waitForWorld('missed', { serverCallId });
  });
});
