import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { waitFor } from '../../support/waitFor';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { mediaTokenFor } from '@switchboard/app/call/mediaToken';

const CALLER = '+14255550123';
const GUARDED_LINE = '+18005550900'; // its menu waits 5 minutes (15 s here)

// What the Durable status API shows of a call (input, custom status, output, history with activity inputs and
// results) is read by whoever holds the system key: operators, dashboards, support tools. It must not hold the
// caller's number or the call's media token.
describe('what the Durable status API shows of calls and campaigns', () => {
  let sb: SwitchboardSandbox;
  let api: ReturnType<typeof durableApi>;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
    api = durableApi(sb.host);
  });
  after(async () => {
    await sb?.stop();
  });

  /** Everything the status API answers for an instance, as text. */
  const everything = async (instanceId: string) => {
    const response = await api.fetch(
      `instances/${encodeURIComponent(instanceId)}?showInput=true&showHistory=true&showHistoryOutput=true`,
    );
    assert.ok(response.ok, `status of ${instanceId}: ${response.status}`);
    return response.text();
  };
  const digitsOf = (number: string) => number.replace(/\D/g, '');

  it("holds neither the caller's number nor the media token of an inbound call", async () => {
    const call = await sb.acs.control.placeCall({ from: CALLER, to: GUARDED_LINE });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    const { incomingCallContext } = await sb.acs.control.getCall(call.serverCallId);
    const token = mediaTokenFor(String(incomingCallContext), call.serverCallId);
    const status = await everything(callIdFor(call.serverCallId));
    assert.ok(!status.includes(digitsOf(CALLER)), "the caller's number is in the status");
    assert.ok(!status.includes(token), 'the media token is in the status');
    await sb.acs.control.hangUp(call.serverCallId);
  });

  it("holds no callee's number of a placed call, nor of a campaign's contacts", async () => {
    const since = (await sb.acs.control.timeline()).at(-1)?.seq ?? 0;
    const placed = await sb.api('/api/calls', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+14255550177', flow: 'reminder' }),
    });
    assert.equal(placed.status, 202);
    const { callId } = (await placed.json()) as { callId: string };
    const campaign = await sb.api('/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ flow: 'reminder', contacts: [{ to: '+14255550178' }] }),
    });
    assert.equal(campaign.status, 202);
    const { campaignId } = (await campaign.json()) as { campaignId: string };
    await waitFor(
      async () => (await sb.acs.control.timeline({ kind: 'request', operation: 'recognize', since })).length >= 2,
      {
        what: 'both calls to reach their menu',
      },
    );
    for (const instanceId of [callId, campaignId, `${campaignId}:contact-0`, `${campaignId}-0-1`]) {
      const status = await everything(instanceId);
      for (const number of ['+14255550177', '+14255550178'])
        assert.ok(!status.includes(digitsOf(number)), `a callee's number is in the status of ${instanceId}`);
    }
  });

  it('places no call outside OUTBOUND_ALLOWED_PREFIXES, even for a session started through the Durable API', async () => {
    const createCalls = async () =>
      (await sb.acs.control.timeline({ kind: 'request', operation: 'createCall' })).length;
    const before = await createCalls();
    const session = {
      callId: 'direct-abroad',
      direction: 'outbound',
      callerId: '+33612345678',
      dialled: '+18005550300',
      flowName: 'reminder',
      flow: { start: 'bye', steps: { bye: { say: 'Hello from abroad.', hangup: true } } },
      variables: {},
    };
    assert.equal((await api.start('callFlow', session.callId, session)).status, 202);
    const done = await api.waitForEnd(session.callId);
    assert.deepEqual(
      { outcome: (done.output as { outcome?: string }).outcome, reason: (done.output as { reason?: string }).reason },
      { outcome: 'not-connected', reason: 'failed' },
    );
    assert.equal(await createCalls(), before, 'no call reached ACS');
  });
});
