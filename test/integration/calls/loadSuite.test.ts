import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { loadSuiteFlows, runLoadSuite } from '../../../bench/loadSuite';

// The small version of `npm run bench -- load`: correctness only (no timing is asserted).
describe('the load suite, small', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, incomingCallTimeoutMs: 1_000_000, answerDelayMs: 100, timelineLimit: 50_000 },
      flows: loadSuiteFlows(),
    });
  });
  after(async () => {
    await sb?.stop();
  });

  it('ends every call of a mixed crowd as its caller chose, once, with duplicates and late redeliveries', async () => {
    const result = await runLoadSuite(sb, { calls: 16, longCallTurns: 12 });
    assert.deepEqual(
      {
        lost: result.lost,
        stuck: result.stuck,
        wrong: result.wrong,
        orphaned: result.orphaned,
        extraPrompts: result.extraPrompts,
      },
      { lost: 0, stuck: 0, wrong: 0, orphaned: 0, extraPrompts: 0 },
      result.problems.join('\n'),
    );
    assert.equal(result.completed, 16);
    assert.ok(result.duplicatesDelivered >= 8);
    assert.equal(result.longCall?.turns, 12);
  });
});
