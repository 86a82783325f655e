import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { callAnnotation } from '@switchboard/app/analytics/callAnnotation';
import { createCallSession } from '@switchboard/app/call/callSession';
import { CallEvents } from '@switchboard/app/call/names';
import type { FlowSet } from '@switchboard/app/flows/flowSchema';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { runCallFlow } from './callFlowWorld';
import { acs, type Script } from './scriptedAcs';

// What a call's orchestration reports to analytics as its last action: its path, where it ended, and when a
// person was asked for and reached (orchestration time), from which the annotation's handling follows.

const contoso: FlowSet = loadFlows(join(__dirname, '..', '..', '..', '..', 'packages', 'app', 'flows', 'contoso.yaml'));
const SALT = 'unit-test-salt-0123456789';

async function callEnd(script: Script, startStep?: string) {
  const session = createCallSession({
    callId: 'call-1',
    direction: 'inbound',
    callerId: '+12125550123',
    dialled: '+18005550100',
    flowName: 'mainLine',
    flow: contoso.flows.mainLine,
    startStep,
    serverCallId: 'server-1',
  });
  const run = await runCallFlow(session, acs(script), {
    start: new Date('2026-11-18T15:00:00Z'),
    events: [{ name: CallEvents.callConnected, data: { callConnectionId: 'conn-1', serverCallId: 'server-1' } }],
  });
  assert.equal(run.callEnds.length, 1, 'one end reported');
  return run.callEnds[0];
}

describe("a call's end as analytics sees it", () => {
  it('a caller who picks support and is transferred: transferred to the step, with the time to reach the person', async () => {
    const end = await callEnd({ turns: [{ choose: 'support' }] });
    assert.equal(end.outcome, 'transferred');
    assert.equal(end.facts.personStep, 'supportAgent');
    assert.ok(end.facts.personRequestedAt && end.facts.personReachedAt);
    assert.deepEqual(end.path.slice(0, 3), ['welcome', 'vipCheck', 'menu']);
    assert.equal(end.startedAt, '2026-11-18T15:00:00.000Z');
    const annotation = callAnnotation(end, SALT);
    assert.equal(annotation.handling, 'transferred');
    assert.equal(annotation.transferredTo, 'supportAgent');
    assert.ok((annotation.toPersonMs ?? -1) >= (annotation.waitForPersonMs ?? Infinity));
    assert.doesNotMatch(JSON.stringify(annotation), /2125550123/);
  });

  it('a caller who hangs up in the menu: abandoned at the menu', async () => {
    const end = await callEnd({ turns: ['hangup'] });
    assert.deepEqual([end.outcome, end.lastStep, end.lastStepKind], ['caller-hung-up', 'menu', 'ask']);
    assert.deepEqual(callAnnotation(end, SALT).abandonedAt, 'menu');
  });

  it('a transfer nobody answers that ends in the voicemail: voicemail, no person reached', async () => {
    const end = await callEnd({ transfer: ['no-answer'] }, 'supportAgent');
    assert.equal(end.facts.voicemail, true);
    assert.equal(end.facts.personReachedAt, undefined);
    const annotation = callAnnotation(end, SALT);
    assert.equal(annotation.handling, 'voicemail');
    assert.equal(annotation.toPersonMs, undefined);
  });
});
