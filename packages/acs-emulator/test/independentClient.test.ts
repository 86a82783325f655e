import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AcsEmulator } from '../src/index';
import { startAcsEmulatorChecked as startAcsEmulator } from './support/checkedEmulator';
import { IvrTestApp } from './support/ivrTestApp';
import { AGENT, CALLER, SUPPORT_LINE } from './support/fixtures';

describe('an independent IVR app built only on the SDK', () => {
  let acs: AcsEmulator;
  let app: IvrTestApp;

  before(async () => {
    acs = await startAcsEmulator({
      timeScale: 0.01,
      incomingCallTimeoutMs: 1_000_000,
      immutableResourceId: 'b0b0b0b0-1111-4222-8333-444444444444',
    });
    app = await new IvrTestApp({
      ACS_CONNECTION_STRING: acs.connectionString,
      ACS_CALLBACK_JWKS_URL: acs.jwksUrl,
      ACS_CALLBACK_ISSUER: acs.issuer,
      ACS_IMMUTABLE_RESOURCE_ID: acs.immutableResourceId,
      TRANSFER_TARGET: AGENT,
    }).start();
    // No event type filter: the app also gets ACS's duplicate IncomingCall and must answer once.
    await acs.control.addSubscription({ endpoint: `${app.url}/api/eventgrid` });
  });
  after(async () => {
    await acs.close();
    await app.close();
  });

  it('answers once, recognizes the caller pressing 1 and transfers to the agent', async () => {
    await acs.control.configureAgent(AGENT, { kind: 'answer', afterMs: 3_000 });
    const call = await acs.control.placeCall({ from: CALLER, to: SUPPORT_LINE });
    const recognize = await acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId });
    assert.equal(recognize.status, 202);
    await acs.control.pressDigits(call.serverCallId, '1');
    await acs.control.waitForWorld('transferConnected', { serverCallId: call.serverCallId });
    const summary = await acs.control.getCall(call.serverCallId);
    assert.equal(summary.connectedTo?.rawId, `4:${AGENT}`);
    const answers = await acs.control.timeline({
      kind: 'request',
      operation: 'answerCall',
      serverCallId: call.serverCallId,
    });
    assert.equal(answers.length, 1, 'exactly one answer despite two IncomingCall deliveries');
    const deliveries = await acs.control.timeline({
      kind: 'eventGridDelivery',
      type: 'Microsoft.Communication.IncomingCall',
    });
    assert.equal(deliveries.filter((d) => d.status === 200).length, 2);
    const callbacks = await acs.control.timeline({ kind: 'callback', serverCallId: call.serverCallId });
    assert.deepEqual(
      callbacks.map((c) => c.type),
      ['CallConnected', 'ParticipantsUpdated', 'RecognizeCompleted', 'CallTransferAccepted', 'CallDisconnected'],
    );
    assert.equal(app.rejectedCallbacks, 0, 'every callback JWT verified against the JWKS');
  });

  it('says goodbye and hangs up on a caller who stays silent', async () => {
    const call = await acs.control.placeCall({ from: '+14255550177', to: SUPPORT_LINE });
    await acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId });
    await acs.control.staySilent(call.serverCallId);
    await acs.control.waitForEvent('CallDisconnected', { serverCallId: call.serverCallId });
    const types = (await acs.control.timeline({ kind: 'callback', serverCallId: call.serverCallId })).map(
      (c) => c.type,
    );
    assert.deepEqual(types, [
      'CallConnected',
      'ParticipantsUpdated',
      'RecognizeFailed',
      'PlayStarted',
      'PlayCompleted',
      'CallDisconnected',
    ]);
  });
});
