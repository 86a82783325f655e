import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';
import { cappedFlowsReached } from '@switchboard/app/call/cappedFlowsReached';

const flows = parseFlowFile(
  `
flows:
  front:
    numbers: ["+18005550100"]
    hours: { timeZone: UTC, open: "Mon-Fri 08:00-18:00" }
    overflow: { maxActiveCalls: 2, whenBusy: { flow: busyDesk }, whenClosed: { flow: nightDesk } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  busyDesk:
    overflow: { maxActiveCalls: 1, whenBusy: { redirect: "+18005550199" } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  nightDesk:
    overflow: { maxActiveCalls: 1, whenBusy: { flow: front } }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  uncapped:
    numbers: ["+18005550200"]
    overflow: { whenClosed: { flow: nightDesk } }
    hours: { timeZone: UTC, open: "Mon-Fri 08:00-18:00" }
    start: hello
    steps:
      hello: { say: hi, hangup: true }
  alone:
    numbers: ["+18005550300"]
    start: hello
    steps:
      hello: { say: hi, hangup: true }
`,
  'capped.yaml',
);

describe('capped flows a number reaches', () => {
  it('names the dialled flow and every capped flow it overflows to, busy or closed, once each', () => {
    const reached = cappedFlowsReached(flows);
    assert.deepEqual([...reached('+18005550100')].sort(), ['busyDesk', 'front', 'nightDesk']);
    assert.deepEqual(reached('4:+18005550100'), reached('+18005550100'));
  });

  it('follows overflow from an uncapped flow, and names none for a number that reaches no cap', () => {
    const reached = cappedFlowsReached(flows);
    assert.deepEqual([...reached('+18005550200')].sort(), ['busyDesk', 'front', 'nightDesk']);
    assert.deepEqual(reached('+18005550300'), []);
    assert.deepEqual(reached('+18005550999'), []);
  });
});
