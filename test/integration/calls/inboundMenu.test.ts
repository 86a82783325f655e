import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { callIdFor } from '../../../shared/calls/callIdFor';
import { waitFor } from '../../support/waitFor';

const CALLER = '+14255550123';
const MAIN_LINE = '+18005550100';

describe('a caller on the main line', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 2_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  const callState = async (serverCallId: string) => {
    const response = await fetch(`${sb.host.url}/api/calls/${callIdFor(serverCallId)}`);
    return response.status === 200 ? ((await response.json()) as { state: string; outcome?: string; currentStep?: string; history: string[] }) : undefined;
  };
  const finished = (serverCallId: string) =>
    waitFor(async () => {
      const state = await callState(serverCallId);
      return state && state.state !== 'Running' && state.state !== 'Pending' ? state : undefined;
    }, { what: 'the call to finish', timeoutMs: 30_000 });

  it('is answered, hears the menu, presses 1 and is transferred to billing', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('answerCall', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    await sb.acs.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 15_000);
    const done = await finished(call.serverCallId);
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).connectedTo?.rawId, '4:+18005550111');
    assert.equal(done.state, 'Completed');
    assert.equal(done.outcome, 'transferred');
    assert.deepEqual(done.history.slice(0, 3), ['welcome', 'menu', 'billing']);
  });
});
