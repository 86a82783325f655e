import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { LONG_LINE, loadSuiteFlows } from '../../../bench/loadSuite';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { STEPS_PER_GENERATION } from '@switchboard/app/call/callFlowRun';

const TURNS = STEPS_PER_GENERATION * 2 + 10;

describe('long calls', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, answerDelayMs: 100 }, flows: loadSuiteFlows() });
  });
  after(async () => {
    await sb?.stop();
  });

  it('keeps the history of a long call small, and the caller hears each menu once with nothing lost', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550177', to: LONG_LINE });
    const callId = callIdFor(call.serverCallId);
    const histories: number[] = [];
    let since = 0;
    for (let turn = 1; turn <= TURNS; turn++) {
      since = (await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId, since }, 30_000))
        .seq;
      if (turn % 10 === 0) {
        const response = await durableApi(sb.host).fetch(`instances/${callId}?showHistory=true&showInput=false`);
        histories.push(((await response.json()) as { history: unknown[] }).history.length);
      }
      await sb.acs.control.pressDigits(call.serverCallId, turn === TURNS ? '2' : '1');
    }
    const done = await durableApi(sb.host).waitForEnd(callId);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.deepEqual(done.output, {
      outcome: 'completed',
      lastStep: 'bye',
      stepsTaken: TURNS + 1,
      variables: {},
    });

    // History no longer grows with the call: never more than one generation's worth of turns.
    assert.equal(histories.length, TURNS / 10);
    const perTurn = histories[0] / 10;
    assert.ok(
      Math.max(...histories) <= perTurn * (STEPS_PER_GENERATION + 1),
      `history lengths every 10 turns: ${histories.join(', ')}`,
    );

    // Each menu was asked once and answered once, under its own operationContext, across every generation.
    const timeline = await sb.acs.control.timeline({ serverCallId: call.serverCallId });
    const asked = timeline.filter((e) => e.kind === 'request' && e.operation === 'recognize');
    const answered = timeline
      .filter((e) => e.kind === 'callback' && e.type === 'RecognizeCompleted')
      .map((e) => (e.data as { operationContext?: string }).operationContext);
    assert.equal(asked.length, TURNS);
    assert.equal(answered.length, TURNS);
    assert.equal(new Set(answered).size, TURNS);
    assert.equal((await sb.acs.control.getCall(call.serverCallId)).state, 'disconnected');
  });
});
