import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { durableApi } from '../../support/durableApi';
import { callIdFor } from '@switchboard/app/call/callIdFor';

const MAIN_LINE = '+18005550100';
const SHORT_LINE = '+18005550600';
const CALLS = 4;

/** A line whose menu sends a caller who presses 1 to billing. */
const menuLine = (number: string, retries: number, timeoutSeconds: number) => ({
  numbers: [number],
  start: 'menu',
  steps: {
    menu: {
      ask: 'For billing press 1.',
      choices: [{ label: 'billing', dtmf: '1', next: 'billing' }],
      retries,
      timeoutSeconds,
      onFail: 'bye',
    },
    billing: { transfer: '+18005550111', fallback: 'bye' },
    bye: { say: 'Goodbye.', hangup: true },
  },
});

/**
 * The main line's silence timeout (ACS's longest, 300 s: 30 s at the suite's 10x time) outlasts a host restart.
 * The short line's gives the caller 3 s to answer the second ask; the app gives up on a lost answer 30 s + 12 s
 * after asking. (YAML reads JSON.)
 */
function faultFlows(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-faults-'));
  const flows = { mainLine: menuLine(MAIN_LINE, 0, 300), shortLine: menuLine(SHORT_LINE, 1, 30) };
  writeFileSync(join(dir, 'faults.yaml'), JSON.stringify({ flows }));
  return dir;
}

// Faults a real deployment meets mid-call: the Functions host crashing, storage that stops answering. The calls
// caught in them must end as their callers chose: no call lost, no menu heard twice, none left connected.
describe('calls through faults', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({
      acs: { timeScale: 0.1, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      flows: faultFlows(),
    });
  });
  after(async () => {
    await sb?.stop();
  });

  /** Places calls to the main line and waits until each caller hears the menu. */
  async function callersAtTheMenu(firstCaller: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const from = `+1425555${String(firstCaller + i).padStart(4, '0')}`;
        const call = await sb.acs.control.placeCall({ from, to: MAIN_LINE });
        await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000);
        return call.serverCallId;
      }),
    );
  }

  /** Each caller presses 1; each call must reach billing, once, having heard the menu once. */
  async function pressOneAndCheck(serverCallIds: string[]): Promise<void> {
    for (const serverCallId of serverCallIds) await sb.acs.control.pressDigits(serverCallId, '1');
    for (const serverCallId of serverCallIds) {
      const done = await durableApi(sb.host).waitForEnd(callIdFor(serverCallId), 60_000);
      assert.equal(done.runtimeStatus, 'Completed');
      assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
      const requests = (await sb.acs.control.timeline({ serverCallId })).filter((e) => e.kind === 'request');
      assert.equal(requests.filter((e) => e.operation === 'recognize').length, 1, 'the menu was asked again');
      assert.equal(requests.filter((e) => e.operation === 'transferToParticipant').length, 1);
      const acsCall = await sb.acs.control.getCall(serverCallId);
      assert.ok(acsCall.state !== 'connected' || acsCall.connectedTo, 'the call was left connected, undriven');
    }
  }

  it('finishes the calls waiting at the menu when the host is killed and started again', async () => {
    const calls = await callersAtTheMenu(100);
    await sb.restartHost();
    await pressOneAndCheck(calls);
  });

  it('finishes the calls whose key presses arrive while storage stops answering for 5 s', async () => {
    const calls = await callersAtTheMenu(200);
    sb.azurite.pause();
    const resumed = new Promise((resolve) => setTimeout(resolve, 5_000)).then(() => sb.azurite.resume());
    try {
      await pressOneAndCheck(calls);
    } finally {
      await resumed;
    }
  });

  it('asks again when the key press was lost because the host was down, and the second press counts', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550300', to: SHORT_LINE });
    const first = await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 60_000);
    // ACS delivers a callback once: the RecognizeCompleted of this press reaches no one.
    await sb.restartHost(() => sb.acs.control.pressDigits(call.serverCallId, '1'));
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId, since: first.seq }, 90_000);
    await sb.acs.control.pressDigits(call.serverCallId, '1');
    const done = await durableApi(sb.host).waitForEnd(callIdFor(call.serverCallId), 60_000);
    assert.equal((done.output as { outcome?: string }).outcome, 'transferred');
  });
});
