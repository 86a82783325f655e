import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { waitFor } from '../../support/waitFor';
import { callIdFor } from '@switchboard/app/call/callIdFor';

const GUARDED_LINE = '+18005550900'; // its menu waits 300 s for a key: 60 s here
const AGENT_LINE = '+18005550800'; // a voice agent for up to 5 minutes: 60 s here
/** How long a call may outlive its orchestration (the orphan sweep runs every 5 s). */
const N_MS = 10_000;

// A call must not outlive its orchestration, whatever ended it: ACS keeps a call (and a voice agent talks on it)
// until someone hangs up, and a silent caller sends no callback that would tell the app. Time runs at a fifth of
// real speed, so a menu's silence or an agent's time limit would take a minute: far longer than N.
describe('calls whose orchestration ends without hanging up', () => {
  let sb: SwitchboardSandbox;
  let caller = 0;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.2, answerDelayMs: 100 }, bridge: {} });
  });
  after(async () => {
    await sb?.stop();
  });

  const place = async (to: string, until: string) => {
    const call = await sb.acs.control.placeCall({ from: `+1425555${String(300 + ++caller)}`, to });
    await sb.acs.control.waitForRequest(until, { serverCallId: call.serverCallId }, 30_000);
    return { ...call, callId: callIdFor(call.serverCallId) };
  };
  const hungUpWithinN = async (serverCallId: string) => {
    await sb.acs.control.waitForRequest('terminateCall', { serverCallId }, N_MS);
    assert.notEqual((await sb.acs.control.getCall(serverCallId)).state, 'connected');
  };

  it(`hangs up a silent caller within ${N_MS / 1000} s of their orchestration being terminated mid-menu`, async () => {
    const call = await place(GUARDED_LINE, 'recognize');
    assert.equal((await durableApi(sb.host).terminate(call.callId, 'operator')).status, 202);
    await hungUpWithinN(call.serverCallId);
  });

  it(`hangs up a call at a voice-agent step within ${N_MS / 1000} s of its orchestration being purged`, async () => {
    const call = await place(AGENT_LINE, 'startMediaStreaming');
    // The agent is talking: streaming has started and its audio reaches the caller; no callback is due.
    await sb.acs.control.waitForEvent('MediaStreamingStarted', { serverCallId: call.serverCallId }, 30_000);
    await sb.acs.control.waitFor(
      { kind: 'world', type: 'mediaAudioReceived', serverCallId: call.serverCallId },
      30_000,
    );
    const api = durableApi(sb.host);
    await api.terminate(call.callId, 'operator');
    await api.waitForEnd(call.callId);
    assert.equal((await api.fetch(`instances/${call.callId}`, { method: 'DELETE' })).status, 200);
    await hungUpWithinN(call.serverCallId);
  });

  it(`hangs up a call within ${N_MS / 1000} s when an event that was not ACS's ended its orchestration`, async () => {
    const call = await place(GUARDED_LINE, 'recognize');
    // A CallDisconnected raised by someone holding the Durable API's key, while the caller is still there.
    assert.equal((await durableApi(sb.host).raise(call.callId, 'CallDisconnected', {})).status, 202);
    await hungUpWithinN(call.serverCallId);
  });

  it('leaves a call handed to a person alone, and forgets it', async () => {
    const call = await place(GUARDED_LINE, 'recognize');
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await durableApi(sb.host).waitForEnd(call.callId, 30_000);
    assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
    const live = TableClient.fromConnectionString(sb.azurite.connectionString, 'switchboardtestLiveCalls', {
      allowInsecureConnection: true,
    });
    await waitFor(
      async () => {
        for await (const row of live.listEntities()) if (row.partitionKey === call.callId) return false;
        return true;
      },
      { what: 'the sweep to forget the transferred call', timeoutMs: 30_000 },
    );
    const requests = await sb.acs.control.timeline({ kind: 'request', serverCallId: call.serverCallId });
    assert.ok(!requests.some((r) => r.operation === 'terminateCall'), 'the transferred call was not hung up');
  });
});
