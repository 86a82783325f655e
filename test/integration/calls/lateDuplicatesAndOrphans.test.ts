import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { durableApi } from '../../support/durableApi';

const CALLER = '+14255550123';
const MAIN_LINE = '+18005550100';

describe('late duplicates and orphaned calls', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  it('leaves a finished call alone when its IncomingCall is delivered again after it ended', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const callId = callIdFor(call.serverCallId);
    const done = await durableApi(sb.host).waitForEnd(callId);
    assert.equal(done.runtimeStatus, 'Completed');
    const before = await durableApi(sb.host).status(callId);

    // Event Grid redelivers the call's IncomingCall, exactly as it was first published.
    const [published] = (await sb.acs.control.timeline({ serverCallId: call.serverCallId })).filter(
      (e) => e.kind === 'eventGrid' && e.type === 'Microsoft.Communication.IncomingCall',
    );
    const response = await fetch(`${sb.host.url}/runtime/webhooks/eventgrid?functionName=incomingCall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
      body: JSON.stringify([
        {
          id: 'late-redelivery',
          topic: '/acs',
          subject: '',
          eventType: 'Microsoft.Communication.IncomingCall',
          eventTime: new Date().toISOString(),
          dataVersion: '1.0',
          metadataVersion: '1',
          data: published?.data,
        },
      ]),
    });
    assert.equal(response.status, 200);

    const after = await durableApi(sb.host).status(callId);
    assert.equal(after?.runtimeStatus, 'Completed');
    assert.deepEqual(after?.output, before?.output);
    const answers = (await sb.acs.control.timeline({ serverCallId: call.serverCallId })).filter(
      (e) => e.kind === 'request' && e.operation === 'answerCall',
    );
    assert.equal(answers.length, 1);
  });

  it('hangs up a call whose orchestration was terminated, at its next callback', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    const callId = callIdFor(call.serverCallId);
    const terminated = await durableApi(sb.host).terminate(callId, 'operator');
    assert.equal(terminated.status, 202);
    await durableApi(sb.host).waitForEnd(callId);
    // The caller presses a key: ACS reports it to the app, which finds nobody driving the call.
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    await sb.acs.control.waitForRequest('terminateCall', { serverCallId: call.serverCallId }, 15_000);
    assert.notEqual((await sb.acs.control.getCall(call.serverCallId)).state, 'connected');
  });
});
