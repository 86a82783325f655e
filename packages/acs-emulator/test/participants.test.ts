import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { AGENT, answerIncomingCall, CALLER, startFixture, SUPPORT_LINE, type Fixture } from './support/fixtures';

const REJECTING = '+18005550199';
const SILENT = '+18005550198';

describe('participants', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture({ agents: { [REJECTING]: { kind: 'reject' }, [SILENT]: { kind: 'noAnswer' } } });
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('adds a participant who answers: AddParticipantSucceeded, then ParticipantsUpdated', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const before = fx.callbacks.kinds(callConnectionId).length;
    const result = await connection.addParticipant(
      { targetParticipant: { phoneNumber: AGENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      { operationContext: 'add-agent' },
    );
    assert.ok(result.invitationId);
    assert.equal(result.operationContext, 'add-agent');
    assert.deepEqual(result.participant?.identifier, { phoneNumber: AGENT, rawId: `4:${AGENT}` });
    const added = await fx.callbacks.waitFor('AddParticipantSucceeded', callConnectionId);
    assert.equal(added.operationContext, 'add-agent');
    await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId, 5_000, (e) => e.participants.length === 3);
    assert.deepEqual(fx.callbacks.kinds(callConnectionId).slice(before), [
      'AddParticipantSucceeded',
      'ParticipantsUpdated',
    ]);
    const { values } = await connection.listParticipants();
    assert.equal(values?.length, 3);
    const agent = await connection.getParticipant({ phoneNumber: AGENT });
    assert.equal(agent.isMuted, false);
  });

  it('reports AddParticipantFailed when the participant rejects', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.addParticipant({
      targetParticipant: { phoneNumber: REJECTING },
      sourceCallIdNumber: { phoneNumber: SUPPORT_LINE },
    });
    const failed = await fx.callbacks.waitFor('AddParticipantFailed', callConnectionId);
    assert.equal(failed.resultInformation?.code, 603);
  });

  it('reports AddParticipantFailed after the invitation timeout when nobody answers', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.addParticipant(
      { targetParticipant: { phoneNumber: SILENT }, sourceCallIdNumber: { phoneNumber: SUPPORT_LINE } },
      { invitationTimeoutInSeconds: 10 },
    );
    const failed = await fx.callbacks.waitFor('AddParticipantFailed', callConnectionId);
    assert.equal(failed.resultInformation?.code, 408);
  });

  it('cancels a pending invitation, and fails to cancel one that is not pending', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const { invitationId } = await connection.addParticipant({
      targetParticipant: { phoneNumber: SILENT },
      sourceCallIdNumber: { phoneNumber: SUPPORT_LINE },
    });
    const cancel = await connection.cancelAddParticipantOperation(invitationId!);
    assert.equal(cancel.invitationId, invitationId);
    const cancelled = await fx.callbacks.waitFor('CancelAddParticipantSucceeded', callConnectionId);
    assert.equal(cancelled.invitationId, invitationId);
    await connection.cancelAddParticipantOperation(invitationId!);
    await fx.callbacks.waitFor('CancelAddParticipantFailed', callConnectionId);
    assert.ok(!fx.callbacks.kinds(callConnectionId).includes('AddParticipantFailed'));
  });

  it('removes a participant, and reports RemoveParticipantFailed for someone not in the call', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.addParticipant({
      targetParticipant: { phoneNumber: AGENT },
      sourceCallIdNumber: { phoneNumber: SUPPORT_LINE },
    });
    await fx.callbacks.waitFor('AddParticipantSucceeded', callConnectionId);
    await connection.removeParticipant({ phoneNumber: AGENT }, { operationContext: 'remove-agent' });
    const removed = await fx.callbacks.waitFor('RemoveParticipantSucceeded', callConnectionId);
    assert.equal(removed.operationContext, 'remove-agent');
    await connection.removeParticipant({ phoneNumber: '+18005550123' });
    await fx.callbacks.waitFor('RemoveParticipantFailed', callConnectionId);
  });

  it('keeps the call going when the caller leaves an agent behind, and ends it when the agent leaves too', async () => {
    const { connection, callConnectionId, serverCallId } = await answerIncomingCall(fx, client);
    await connection.addParticipant({
      targetParticipant: { phoneNumber: AGENT },
      sourceCallIdNumber: { phoneNumber: SUPPORT_LINE },
    });
    await fx.callbacks.waitFor('AddParticipantSucceeded', callConnectionId);
    await fx.acs.control.hangUp(serverCallId);
    const updated = await fx.callbacks.waitFor(
      'ParticipantsUpdated',
      callConnectionId,
      5_000,
      (e) =>
        e.participants.length === 2 &&
        !e.participants.some(
          (p) => p.identifier && 'phoneNumber' in p.identifier && p.identifier.phoneNumber === CALLER,
        ),
    );
    assert.ok(updated);
    assert.equal((await connection.getCallConnectionProperties()).callConnectionState, 'connected');
    await fx.acs.control.hangUp(serverCallId, AGENT);
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
  });

  it('ends the call when the last other participant is removed', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.removeParticipant({ phoneNumber: CALLER });
    await fx.callbacks.waitFor('CallDisconnected', callConnectionId);
  });

  it('mutes a participant and reports it in ParticipantsUpdated', async () => {
    const { connection, callConnectionId } = await answerIncomingCall(fx, client);
    const result = await connection.muteParticipant({ phoneNumber: CALLER }, { operationContext: 'mute' });
    assert.equal(result.operationContext, 'mute');
    const updated = await fx.callbacks.waitFor('ParticipantsUpdated', callConnectionId, 5_000, (e) =>
      e.participants.some((p) => p.isMuted),
    );
    assert.ok(updated.sequenceNumber! >= 2);
    assert.equal((await connection.getParticipant({ phoneNumber: CALLER })).isMuted, true);
  });

  it('refuses to mute someone who is not in the call, and to get an unknown participant', async () => {
    const { connection } = await answerIncomingCall(fx, client);
    await assert.rejects(
      connection.muteParticipant({ phoneNumber: AGENT }),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
    await assert.rejects(
      connection.getParticipant({ phoneNumber: AGENT }),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
  });
});
