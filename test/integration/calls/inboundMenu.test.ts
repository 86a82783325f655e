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
    // Time runs 20x fast in the PSTN world: prompts, silence timeouts and a 1 s ring for unanswered transfers.
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
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

  it('says "sales" and is transferred to sales', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.say(call.serverCallId, 'sales');
    const done = await finished(call.serverCallId);
    assert.equal(done.outcome, 'transferred');
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).connectedTo?.rawId, '4:+18005550122');
  });

  it('stays silent twice and is handed to an agent', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    const done = await finished(call.serverCallId);
    assert.equal(done.outcome, 'transferred');
    assert.deepEqual(done.history.slice(0, 3), ['welcome', 'menu', 'agent']);
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).connectedTo?.rawId, '4:+18005550133');
    const recognizes = await sb.acs.control.timeline({ kind: 'request', operation: 'recognize', serverCallId: call.serverCallId });
    assert.equal(recognizes.length, 2, 'one prompt and one retry');
  });

  it('presses an invalid key, hears the no-match prompt, then presses 1 and reaches billing', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    const first = await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.pressDigits(call.serverCallId, '9');
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId, since: first.seq }, 15_000);
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await finished(call.serverCallId);
    assert.equal(done.outcome, 'transferred');
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).connectedTo?.rawId, '4:+18005550111');
  });

  it('goes to voicemail, recorded, when the billing line does not answer the transfer', async () => {
    await sb.acs.control.configureAgent('+18005550111', { kind: 'noAnswer' });
    try {
      const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
      await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
      await sb.acs.control.pressDigits(call.serverCallId, '1');
      await sb.acs.control.waitForRequest('startRecording', {}, 20_000);
      await sb.acs.control.hangUp(call.serverCallId);
      const done = await finished(call.serverCallId);
      assert.ok(done.history.includes('busy') && done.history.includes('voicemail'), `history: ${done.history.join(' > ')}`);
    } finally {
      await sb.acs.control.configureAgent('+18005550111', { kind: 'answer' });
    }
  });

  it('hangs up in the middle of the menu and the call ends cleanly', async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: MAIN_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    await sb.acs.control.hangUp(call.serverCallId);
    const done = await finished(call.serverCallId);
    assert.equal(done.state, 'Completed');
    assert.equal(done.outcome, 'caller-hung-up');
  });

  it('is rejected when calling from a blocked number', async () => {
    const call = await sb.acs.control.placeCall({ from: '+19005550100', to: MAIN_LINE });
    await sb.acs.control.waitForRequest('rejectCall', {}, 15_000);
    assert.equal(await callState(call.serverCallId), undefined, 'no orchestration for a rejected call');
  });
});

