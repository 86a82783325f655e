import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { waitFor } from '../../support/waitFor';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../../support/paths';

/**
 * The test flows plus an after-hours line that is closed today and tomorrow (holidays written at test time,
 * so the test does not depend on the hour it runs at).
 */
function flowsWithAfterHoursLine(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-flows-'));
  copyFileSync(fixture('flows', 'test-lines.yaml'), join(dir, 'test-lines.yaml'));
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(
    join(dir, 'after-hours.yaml'),
    `flows:
  afterHoursLine:
    numbers: ["+18005550400"]
    hours: { timeZone: UTC, open: "Mon-Sun 00:00-23:59", holidays: ["${day(-1)}", "${day(0)}", "${day(1)}"], closed: closedMessage }
    start: welcome
    steps:
      welcome: { say: "Welcome.", hangup: true }
      closedMessage: { say: "We are closed.", next: voicemail }
      voicemail: { record: { consent: "Please leave a message.", maxSeconds: 5 }, next: bye }
      bye: { say: "Goodbye.", hangup: true }
`,
  );
  return dir;
}

const CALLER = '+14255550123';
const MAIN_LINE = '+18005550100';

describe('a caller on the main line', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    // Time runs 20x fast in the PSTN world: prompts, silence timeouts and a 1 s ring for unanswered transfers.
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      flows: flowsWithAfterHoursLine(),
    });
  });
  after(async () => {
    await sb?.stop();
  });

  const callState = async (serverCallId: string) => {
    const response = await sb.api(`/api/calls/${callIdFor(serverCallId)}`);
    return response.status === 200
      ? ((await response.json()) as { state: string; outcome?: string; currentStep?: string; history: string[] })
      : undefined;
  };
  const finished = (serverCallId: string) =>
    waitFor(
      async () => {
        const state = await callState(serverCallId);
        return state && state.state !== 'Running' && state.state !== 'Pending' ? state : undefined;
      },
      { what: 'the call to finish', timeoutMs: 30_000 },
    );

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
    const recognizes = await sb.acs.control.timeline({
      kind: 'request',
      operation: 'recognize',
      serverCallId: call.serverCallId,
    });
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
      assert.ok(
        done.history.includes('busy') && done.history.includes('voicemail'),
        `history: ${done.history.join(' > ')}`,
      );
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

  it('reaches the after-hours message and leaves a recorded voicemail when the line is closed', async () => {
    const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
    const call = await sb.acs.control.placeCall({ from: CALLER, to: '+18005550400' });
    await sb.acs.control.waitForRequest('startRecording', { since }, 20_000);
    const done = await finished(call.serverCallId);
    assert.deepEqual(done.history, ['closedMessage', 'voicemail', 'bye']);
  });

  it('overflows to another number while the line has its maximum of calls in progress, and not after', async () => {
    const capped = '+18005550500';
    const first = await sb.acs.control.placeCall({ from: CALLER, to: capped });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: first.serverCallId }, 15_000);
    const since = (await sb.acs.control.timeline({})).at(-1)?.seq ?? 0;
    const second = await sb.acs.control.placeCall({ from: '+14255550124', to: capped });
    // The redirect names no call connection; it is the next one after the second call rings.
    await sb.acs.control.waitForRequest('redirectCall', { since }, 15_000);
    assert.equal(
      (await sb.acs.control.timeline({ kind: 'request', operation: 'answerCall', serverCallId: second.serverCallId }))
        .length,
      0,
    );
    await sb.acs.control.pressDigits(first.serverCallId, '1');
    assert.equal((await finished(first.serverCallId)).state, 'Completed');
    const third = await sb.acs.control.placeCall({ from: '+14255550125', to: capped });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: third.serverCallId }, 15_000);
    await sb.acs.control.hangUp(third.serverCallId);
  });

  it('is rejected when calling from a blocked number', async () => {
    const call = await sb.acs.control.placeCall({ from: '+19005550100', to: MAIN_LINE });
    await sb.acs.control.waitForRequest('rejectCall', {}, 15_000);
    assert.equal(await callState(call.serverCallId), undefined, 'no orchestration for a rejected call');
  });
});
