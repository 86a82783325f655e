import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { callIdFor } from '../../../shared/calls/callIdFor';

const MAIN_LINE = '+18005550100';

// ACS sends each callback once. When a call's CallConnected is lost (a delivery that timed out under load, the
// host down for a moment) the app must still find out that the call is up, and a call that never connects must
// not be left behind. The emulator loses the callback (or never connects the call) through its control API's
// faults; the app checks after 1 s and gives up after 6 s here (CALL_CONNECT_* settings), instead of 15 s and 60 s.
describe('a call whose CallConnected is lost', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
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
    const done = await durableApi(sb.host.url).waitForEnd(callIdFor(call.serverCallId), 30_000);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
  });

  it('hangs up an answered call that never connects, ends it as not-connected, and leaves no ACS call', async () => {
    const caller = '+14255550702';
    await sb.acs.control.addFault({ kind: 'neverConnect', party: caller });
    const call = await sb.acs.control.placeCall({ from: caller, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('answerCall', { serverCallId: call.serverCallId }, 30_000);

    const done = await durableApi(sb.host.url).waitForEnd(callIdFor(call.serverCallId), 30_000);
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
});
