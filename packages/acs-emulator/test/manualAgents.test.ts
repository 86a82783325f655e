import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { ControlApiError } from '../src/controlClient';
import { answerIncomingCall, startFixture, type Fixture } from './support/fixtures';

// An agent configured `manual` is a person (the console's user) who answers or rejects a ringing transfer.

const PERSON = '+18005550144';

describe('an agent whose calls a person answers by hand', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    // Rings last 10 s of real time, so the test (the person) always decides before the timeout.
    fx = await startFixture({ agents: { [PERSON]: { kind: 'manual' } }, ringTimeoutMs: 1_000_000 });
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it('rings until the person answers, then the transfer is accepted', async () => {
    const { connection, serverCallId, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.transferCallToParticipant({ phoneNumber: PERSON });
    const ringing = await fx.acs.control.waitFor({ kind: 'world', type: 'ringing', serverCallId });
    assert.deepEqual(ringing.data, { target: `4:${PERSON}` });
    assert.equal(fx.callbacks.kinds(callConnectionId).includes('CallTransferAccepted'), false);
    await fx.acs.control.answerRinging(serverCallId, PERSON, 'answer');
    await fx.callbacks.waitFor('CallTransferAccepted', callConnectionId);
    assert.equal((await fx.acs.control.getCall(serverCallId)).connectedTo?.rawId, `4:${PERSON}`);
  });

  it('reports the transfer failed when the person rejects it, and refuses a second decision', async () => {
    const { connection, serverCallId, callConnectionId } = await answerIncomingCall(fx, client);
    await connection.transferCallToParticipant({ phoneNumber: PERSON });
    await fx.acs.control.waitFor({ kind: 'world', type: 'ringing', serverCallId });
    await fx.acs.control.answerRinging(serverCallId, PERSON, 'reject');
    await fx.callbacks.waitFor('CallTransferFailed', callConnectionId);
    await assert.rejects(
      fx.acs.control.answerRinging(serverCallId, PERSON, 'answer'),
      (error: unknown) => error instanceof ControlApiError && error.status === 400,
    );
  });
});
