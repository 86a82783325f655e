import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { callIdFor } from '@switchboard/app/call/callIdFor';

const MAIN_LINE = '+18005550100';

// ACS sends each callback once. When a call's CallConnected is lost (a delivery that timed out under load, the
// host down for a moment) the app must still find out that the call is up, and a call that never connects must
// not be left behind. The emulator loses the callback (or never connects the call, or fails :answer) through its
// control API's faults; the app checks after 1 s and gives up after 6 s here (CALL_CONNECT_* settings), instead of
// 15 s and 60 s, and Event Grid redelivers after 250 ms instead of 10 s.
describe('a call whose answer or CallConnected goes wrong', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100, eventGridRetryDelaysMs: [250, 1_000, 5_000] },
      env: { CALL_CONNECT_CHECK_SECONDS: '1', CALL_CONNECT_TIMEOUT_SECONDS: '6' },
    });
  });
  after(async () => {
    await sb?.stop();
  });

  it("fetches ACS's callback keys as the app starts, so the first burst of callbacks never waits on a cold fetch", async () => {
    // A burst right after a start once waited on one fetch that timed out: 67 of 100 CallConnected refused.
    const fetched = await sb.acs.control.waitForRequest('jwks', {}, 30_000);
    assert.equal(fetched.status, 200);
    const callbacks = await sb.acs.control.timeline({ kind: 'callback' });
    assert.deepEqual(callbacks, [], 'before any callback');
  });

  it('still plays the menu to the caller, and the flow completes when the caller presses a key', async () => {
    const caller = '+14255550701';
    await sb.acs.control.addFault({ kind: 'loseCallback', eventType: 'CallConnected', party: caller });
    const call = await sb.acs.control.placeCall({ from: caller, to: MAIN_LINE });
    const lost = await sb.acs.control.waitFor(
      { kind: 'callbackDelivery', type: 'CallConnected', serverCallId: call.serverCallId },
      30_000,
    );
    assert.equal(lost.error, 'lost (control fault)');
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 30_000);
    const asked = await sb.acs.control.timeline({ kind: 'request', operation: 'getCall' });
    assert.ok(
      asked.some((e) => e.serverCallId === call.serverCallId),
      'the app asked ACS where the call stands',
    );

    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await durableApi(sb.host).waitForEnd(callIdFor(call.serverCallId), 30_000);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
  });

  it('hangs up an answered call that never connects, ends it as not-connected, and leaves no ACS call', async () => {
    const caller = '+14255550702';
    await sb.acs.control.addFault({ kind: 'neverConnect', party: caller });
    const call = await sb.acs.control.placeCall({ from: caller, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('answerCall', { serverCallId: call.serverCallId }, 30_000);

    const done = await durableApi(sb.host).waitForEnd(callIdFor(call.serverCallId), 30_000);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(
      { outcome: (done.output as { outcome?: string }).outcome, reason: (done.output as { reason?: string }).reason },
      { outcome: 'not-connected', reason: 'timeout' },
    );
    const requests = (await sb.acs.control.timeline({ serverCallId: call.serverCallId })).filter(
      (e) => e.kind === 'request',
    );
    assert.ok(
      requests.some((e) => e.operation === 'terminateCall' && e.status === 204),
      'the app hung the call up',
    );
    assert.ok(!requests.some((e) => e.operation === 'play' || e.operation === 'recognize'), 'no flow ran');
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).state, 'disconnected');
  });

  it("is answered on Event Grid's redelivery when :answer fails for longer than the SDK retries, and the flow runs", async () => {
    const caller = '+14255550703';
    // Four failures: the SDK's first request and its three retries, so the delivery itself fails.
    await sb.acs.control.addFault({ kind: 'failAnswer', status: 503, times: 4, party: caller });
    const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
    const call = await sb.acs.control.placeCall({ from: caller, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000);

    // A failed :answer names no call connection, so its timeline entry has no serverCallId: this test's window.
    const answers = await sb.acs.control.timeline({ kind: 'request', operation: 'answerCall', since });
    assert.deepEqual(
      answers.map((e) => e.status),
      [503, 503, 503, 503, 200],
    );
    const deliveries = await sb.acs.control.timeline({ kind: 'eventGridDelivery', since });
    const failed = deliveries.find((e) => e.type === 'Microsoft.Communication.IncomingCall' && e.status === 500);
    assert.ok(failed, 'the delivery whose answer failed answered 500, so Event Grid delivered it again');
    assert.ok(answers.at(-1)!.seq > failed.seq, 'and the call was answered after that');

    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await durableApi(sb.host).waitForEnd(callIdFor(call.serverCallId), 30_000);
    assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
  });
});
