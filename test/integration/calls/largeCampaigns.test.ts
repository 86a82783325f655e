import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { waitFor } from '../../support/waitFor';

interface CampaignView {
  state: string;
  progress?: { started: number; finished: number; total: number };
}

// A campaign request of a few MB is more than a table entity holds (1 MB in Azure Table storage and Azurite), and
// the app's orchestrations keep their state in table storage: a request is either stored where it fits or refused.
describe('campaigns too big for a table entity', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      env: { CAMPAIGN_MAX_CONTACTS: '10000', CALLS_PER_MINUTE_PER_CALLER: '100' },
    });
  });
  after(async () => {
    await sb?.stop();
  });

  const post = (body: unknown) =>
    sb.api('/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('runs a 1.5 MB campaign: its calls end normally and it goes on to the next contact', async () => {
    const contacts = Array.from({ length: 5000 }, (_, i) => ({
      to: `+1425556${String(i).padStart(4, '0')}`,
      variables: { reference: `${i}`.padEnd(250, '.') },
    }));
    const body = { flow: 'reminder', contacts, concurrency: 1, maxAttempts: 1 };
    assert.ok(JSON.stringify(body).length > 1_400_000);
    const started = await post(body);
    assert.equal(started.status, 202, await started.clone().text());
    const { campaignId, statusUrl } = (await started.json()) as { campaignId: string; statusUrl: string };

    const first = await sb.acs.control.waitForRequest('recognize', {}, 30_000);
    const callee = (await sb.acs.control.listCalls()).find((c) => c.callConnectionId === first.callConnectionId);
    assert.ok(callee);
    await sb.acs.control.pressDigits(callee.serverCallId, '1');
    const disconnected = await sb.acs.control.waitFor(
      { kind: 'callbackDelivery', type: 'CallDisconnected', serverCallId: callee.serverCallId },
      30_000,
    );
    assert.equal(disconnected.status, 200, 'the callee hanging up is answered 200');
    const view = await waitFor(
      async () => {
        const campaign = (await (await sb.api(statusUrl)).json()) as CampaignView;
        return (campaign.progress?.started ?? 0) >= 2 ? campaign : undefined;
      },
      { what: 'the campaign to start its second contact', timeoutMs: 30_000 },
    );
    assert.equal(view.state, 'Running');
    await durableApi(sb.host).terminate(campaignId, 'test over');
  });

  it('refuses with 413 a campaign whose contact is too big to keep, before anything is stored', async () => {
    const response = await post({
      flow: 'reminder',
      contacts: [{ to: '+14255559999', variables: { note: 'x'.repeat(100_000) } }],
    });
    assert.equal(response.status, 413);
    assert.match(((await response.json()) as { error: string }).error, /contacts\.0\.variables/);
  });
});
