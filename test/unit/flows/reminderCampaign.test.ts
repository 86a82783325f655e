import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CampaignInput, ContactResult } from '@switchboard/app/call/campaign/reminderCampaign';
import { ActivityNames, CallEvents, CampaignActivityNames, OrchestrationNames } from '@switchboard/app/call/names';
import { loadFlows } from '@switchboard/app/flows/loadFlows';
import { runOrchestration, type ActivityCall, type WorldTools } from './callFlowWorld';
import { acs } from './scriptedAcs';

// A reminder campaign through the local host's Durable engine: the campaign's orchestration, one
// sub-orchestration per contact, and each attempt's call as a sub-orchestration of that, on a virtual clock,
// so the backoff between attempts is checked to the second without waiting for it.

const contoso = loadFlows(join(__dirname, '..', '..', '..', '..', 'packages', 'app', 'flows', 'contoso.yaml'));
const START = new Date('2026-11-18T15:00:00Z');

/** The attempt on which each callee answers (Infinity: never). */
const ANSWERS_ON: Record<string, number> = { '+12125550101': 1, '+12125550102': Infinity, '+12125550103': 2 };

function campaignWorld() {
  const callees = acs({ turns: [{ press: '1' }, { press: '1' }] });
  const dialled: { to: string; at: string }[] = [];
  const world = (call: ActivityCall, tools: WorldTools): unknown => {
    if (call.name !== ActivityNames.createCall) return callees(call, tools);
    const { callId = '', target = '' } = call.input;
    dialled.push({ to: target, at: tools.now().toISOString() });
    const attempt = Number(callId.split('-').at(-1));
    if (attempt >= ANSWERS_ON[target]) tools.raise(CallEvents.callConnected, { callConnectionId: callId });
    else tools.raise(CallEvents.createCallFailed, { resultInformation: { code: 408, subCode: 0 } });
    return { callConnectionId: callId };
  };
  return { world, dialled };
}

describe('a reminder campaign', () => {
  it('calls two contacts at a time, retries the unanswered with doubling backoff, and reports each contact', async () => {
    const input: CampaignInput = {
      campaignId: 'camp',
      flowName: 'appointmentReminder',
      flow: contoso.flows.appointmentReminder,
      from: '+18005550100',
      contacts: Object.keys(ANSWERS_ON).map((to) => ({ to, variables: { patientName: 'Ada' } })),
      concurrency: 2,
      maxAttempts: 3,
      retryDelaySeconds: 60,
    };
    const { world, dialled } = campaignWorld();
    const run = await runOrchestration(OrchestrationNames.reminderCampaign, 'camp', input, world, {
      start: START,
      // A call's callbacks go to its orchestration: the call id until it connects, its connection after.
      route: (call) => call.input.callId ?? call.input.callConnectionId ?? 'camp',
    });
    assert.equal(run.openTimers, 0, 'every durable timer fired or was cancelled');

    const { results } = run.output as { results: ContactResult[] };
    assert.deepEqual(results, [
      { index: 0, to: '+*********01', status: 'completed', attempts: 1, lastStep: 'bye' },
      { index: 1, to: '+*********02', status: 'no-answer', attempts: 3 },
      { index: 2, to: '+*********03', status: 'completed', attempts: 2, lastStep: 'bye' },
    ]);
    const times = (to: string) => dialled.filter((d) => d.to === to).map((d) => d.at.slice(11, 19));
    assert.deepEqual(times('+12125550102'), ['15:00:00', '15:01:00', '15:03:00'], '60 s, then 120 s');
    assert.deepEqual(times('+12125550103'), ['15:00:00', '15:01:00']);

    const index = (name: string, id: string) =>
      run.calls.findIndex((c) => c.name === name && (c.input.callId ?? c.input.callConnectionId) === id);
    assert.ok(
      index(ActivityNames.createCall, 'camp-2-1') > index(ActivityNames.hangUp, 'camp-0-1'),
      'the third contact waits until one of the first two is done',
    );
    const texts = run.calls.filter((c) => c.name === ActivityNames.sendSms).map((c) => c.input.to);
    assert.deepEqual(texts, ['+12125550101', '+12125550103'], 'each confirmation texted to its callee');
  });

  it('reads each callee from the kept rows when its input holds none, and forgets them when it is done', async () => {
    const kept = Object.keys(ANSWERS_ON).map((to) => ({ to, masked: `kept-${to.slice(-2)}`, variables: {} }));
    const input: CampaignInput = {
      campaignId: 'camp',
      flowName: 'appointmentReminder',
      flow: contoso.flows.appointmentReminder,
      from: '+18005550100',
      contactCount: kept.length,
      concurrency: 3,
      maxAttempts: 1,
      retryDelaySeconds: 60,
    };
    const { world: callees } = campaignWorld();
    const forgotten: string[] = [];
    const world = (call: ActivityCall, tools: WorldTools): unknown => {
      const asked = call.input as unknown as { campaignId: string; index: number };
      if (call.name === CampaignActivityNames.contact) return kept[asked.index];
      if (call.name === CampaignActivityNames.forgetContacts) return void forgotten.push(asked.campaignId);
      return callees(call, tools);
    };
    const run = await runOrchestration(OrchestrationNames.reminderCampaign, 'camp', input, world, {
      start: START,
      route: (call) => call.input.callId ?? call.input.callConnectionId ?? 'camp',
    });
    const { results } = run.output as { results: ContactResult[] };
    assert.deepEqual(
      results.map((r) => r.to),
      ['kept-01', 'kept-02', 'kept-03'],
    );
    assert.deepEqual(forgotten, ['camp']);
  });
});
