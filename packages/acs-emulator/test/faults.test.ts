import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallAutomationClient } from '@azure/communication-call-automation';
import { RestError } from '@azure/core-rest-pipeline';
import { ControlApiError } from '../src/controlClient';
import { answerIncomingCall, SUPPORT_LINE, startFixture, type Fixture } from './support/fixtures';

// Faults the control API injects, as a real deployment meets them: a callback ACS sends once and the app never
// receives, and an answered call that ACS never connects. The app's view is checked with the official SDK.
describe('faults injected through the control API', () => {
  let fx: Fixture;
  let client: CallAutomationClient;

  before(async () => {
    fx = await startFixture();
    client = new CallAutomationClient(fx.acs.connectionString);
  });
  after(() => fx.close());

  it("loses one caller's CallConnected, delivers the rest, and GET call connection still says connected", async () => {
    const caller = '+14255550801';
    const fault = await fx.acs.control.addFault({ kind: 'loseCallback', eventType: 'CallConnected', party: caller });
    try {
      const lost = await answerIncomingCall(fx, client, {}, fx.callbacks.url, caller);
      const other = await answerIncomingCall(fx, client, {}, fx.callbacks.url, '+14255550802');
      await fx.callbacks.waitFor('CallConnected', other.callConnectionId);
      const delivery = await fx.acs.control.waitFor({
        kind: 'callbackDelivery',
        type: 'CallConnected',
        callConnectionId: lost.callConnectionId,
      });
      assert.equal(delivery.error, 'lost (control fault)');
      const received = fx.callbacks.received.filter((r) => r.event.callConnectionId === lost.callConnectionId);
      assert.deepEqual(
        received.map((r) => r.event.kind),
        ['ParticipantsUpdated'],
      );
      const properties = await lost.connection.getCallConnectionProperties();
      assert.equal(properties.callConnectionState, 'connected');
    } finally {
      await fx.acs.control.removeFault(fault.id);
    }
  });

  it('keeps an answered call connecting, as GET call connection reports, until the app hangs it up', async () => {
    const caller = '+14255550803';
    const fault = await fx.acs.control.addFault({ kind: 'neverConnect', party: caller });
    try {
      const placed = await fx.acs.control.placeCall({ from: caller, to: SUPPORT_LINE });
      const incoming = await fx.eventGrid.waitForMatch(
        'Microsoft.Communication.IncomingCall',
        (e) => e.data.serverCallId === placed.serverCallId,
      );
      const answered = await client.answerCall(String(incoming.data.incomingCallContext), fx.callbacks.url);
      const connection = answered.callConnection;
      // A call answered after it has connected (answerIncomingCall waits for that): this one would have too.
      await answerIncomingCall(fx, client, {}, fx.callbacks.url, '+14255550804');
      assert.equal((await connection.getCallConnectionProperties()).callConnectionState, 'connecting');
      assert.equal((await fx.acs.control.getCall(placed.serverCallId)).state, 'connecting');
      await connection.hangUp(true);
      await assert.rejects(
        connection.getCallConnectionProperties(),
        (e: unknown) => (e as RestError).statusCode === 404,
      );
      assert.equal((await fx.acs.control.getCall(placed.serverCallId)).state, 'disconnected');
    } finally {
      await fx.acs.control.removeFault(fault.id);
    }
  });

  it('refuses a fault it does not know with a 400 that names the field, and a second removal with 404', async () => {
    const bad = await fx.acs.control.send('POST', '/faults', { kind: 'explode' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /'kind' must be loseCallback, neverConnect or failAnswer/);
    const noType = await fx.acs.control.send('POST', '/faults', { kind: 'loseCallback' });
    assert.equal(noType.status, 400);
    assert.match(JSON.stringify(noType.body), /'eventType'/);
    const fault = await fx.acs.control.addFault({ kind: 'neverConnect' });
    await fx.acs.control.removeFault(fault.id);
    await assert.rejects(fx.acs.control.removeFault(fault.id), (e: unknown) => (e as ControlApiError).status === 404);
  });
});
