import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TokenReplayGuard } from '@switchboard/app/acs/tokenReplayGuard';
import { CallClaims } from '@switchboard/app/call/callClaims';
import { FirstUseTable } from '@switchboard/app/storage/firstUseTable';
import { createTableClient } from '@switchboard/core/storage/storageClients';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';

const DAY_MS = 24 * 3600 * 1000;

// The prompt ledger and the callback-token table get a row per prompt and per callback; the sweep (callLedgerSweep,
// every ten minutes) bounds them, in Azurite as in Azure Table storage.
describe('sweeping the call ledgers', () => {
  let azurite: AzuriteInstance;
  const config = () => ({ storage: { connectionString: azurite.connectionString } });

  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite?.stop());

  it('forgets prompts first sent before the cut-off and keeps the newer ones, which still count as sent', async () => {
    const table = createTableClient(config(), 'SweepPrompts');
    const ledger = new FirstUseTable(table);
    assert.equal(await ledger.first('conn-1 menu:1'), true);
    assert.equal(await ledger.sweepOlderThan(new Date(Date.now() - DAY_MS)), 0, 'a day has not passed');
    assert.equal(await ledger.first('conn-1 menu:1'), false, 'still recorded as sent');

    assert.equal(await ledger.sweepOlderThan(new Date(Date.now() + DAY_MS)), 1);
    const left = [];
    for await (const row of table.listEntities()) left.push(row);
    assert.deepEqual(left, []);
    assert.equal(await ledger.first('conn-1 menu:1'), true, 'forgotten: a new prompt with that key may be sent');
  });

  it("forgets the ids of expired callback tokens and still refuses a live token's replay", async () => {
    const guard = new TokenReplayGuard(createTableClient(config(), 'SweepJti'));
    const nowSeconds = Math.floor(Date.now() / 1000);
    assert.equal(await guard.firstUse('expired-token', nowSeconds - 600), true);
    assert.equal(await guard.firstUse('live-token', nowSeconds + 300), true);

    assert.equal(await guard.sweepExpired(new Date()), 1);
    assert.equal(await guard.firstUse('live-token', nowSeconds + 300), false, 'a replay of a live token is refused');
    assert.equal(await guard.firstUse('expired-token', nowSeconds - 600), true, 'the expired one was forgotten');
  });

  it('keeps the id of a token that expired less than the clock leeway ago: the verifier still accepts it', async () => {
    const guard = new TokenReplayGuard(createTableClient(config(), 'SweepLeeway'));
    const nowSeconds = Math.floor(Date.now() / 1000);
    assert.equal(await guard.firstUse('just-expired', nowSeconds - 30), true);
    assert.equal(await guard.sweepExpired(new Date()), 0);
    assert.equal(await guard.firstUse('just-expired', nowSeconds - 30), false, 'its replay is still refused');
  });

  it('forgets the claims of calls claimed before the cut-off, so a call id can be claimed again', async () => {
    const claims = new CallClaims(createTableClient(config(), 'SweepClaims'));
    const claim = { callId: 'call-1', action: 'answer' as const, flow: 'support', why: 'open' };
    assert.equal(await claims.claim(claim), true);
    assert.equal(await claims.sweepOlderThan(new Date(Date.now() - DAY_MS)), 0, 'a recent claim stays');
    assert.equal(await claims.claim(claim), false, 'a duplicate IncomingCall is still refused');

    assert.equal(await claims.sweepOlderThan(new Date(Date.now() + DAY_MS)), 1);
    assert.equal(await claims.claim(claim), true, 'forgotten');
  });
});
