import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';

const AGENT_LINE = '+18005550800';
/** The longest a voice-agent call may outlive its orchestration (README: reliability guarantees). */
const OUTLIVES_AT_MOST_MS = 10_000;

// A voice agent's call has no callbacks while the agent talks, so nothing at the app notices when the call's
// orchestration ends without hanging up: the media bridge does, and has the app hang the call up.
describe('a voice-agent call whose orchestration ends', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 }, bridge: {} });
  });
  after(async () => {
    await sb?.stop();
  });

  it(`is hung up within ${OUTLIVES_AT_MOST_MS / 1000} s of its orchestration being terminated`, async () => {
    const control = sb.acs.control;
    const call = await control.placeCall({ from: '+14255550177', to: AGENT_LINE });
    const { serverCallId } = call;
    await control.waitFor({ kind: 'world', type: 'mediaStreamConnected', serverCallId }, 120_000);
    await control.waitFor({ kind: 'world', type: 'mediaAudioReceived', serverCallId }, 120_000);

    // As an operator would, with the host's Durable system key when the host has one.
    const durableKey = (sb.host as { durableKey?: string }).durableKey;
    const terminated = await fetch(
      `${sb.host.url}/runtime/webhooks/durabletask/instances/${callIdFor(serverCallId)}/terminate?reason=operator`,
      { method: 'POST', headers: durableKey ? { 'x-functions-key': durableKey } : {} },
    );
    assert.equal(terminated.status, 202);
    const at = Date.now();
    const hangUp = await control.waitForRequest('terminateCall', { serverCallId }, OUTLIVES_AT_MOST_MS * 3);
    const afterMs = Date.parse(hangUp.time) - at;
    assert.ok(afterMs <= OUTLIVES_AT_MOST_MS, `hung up ${afterMs} ms after the orchestration ended`);
    assert.equal(hangUp.status, 204);
    assert.notEqual((await control.getCall(serverCallId)).state, 'connected');
  });
});
