import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';

interface CallView {
  state: string;
  outcome?: string;
  history: string[];
}

describe('outbound calls', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 } });
  });
  after(async () => {
    await sb?.stop();
  });

  const post = (path: string, body: unknown) =>
    sb.api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const callView = async (callId: string) => (await (await sb.api(`/api/calls/${callId}`)).json()) as CallView;

  it('places an appointment reminder that the callee confirms with 1', async () => {
    const response = await post('/api/calls', { to: '+14255550188', flow: 'reminder' });
    assert.equal(response.status, 202);
    const { callId } = (await response.json()) as { callId: string };
    const recognize = await sb.acs.control.waitForRequest('recognize', {}, 15_000);
    const callee = (await sb.acs.control.listCalls()).find((c) => c.callConnectionId === recognize.callConnectionId);
    assert.ok(callee, 'the emulator knows the outbound call');
    await sb.acs.control.pressDigits(callee.serverCallId, '1');
    const done = await waitFor(
      async () => {
        const view = await callView(callId);
        return view.state === 'Completed' ? view : undefined;
      },
      { what: 'the reminder call to finish' },
    );
    assert.equal(done.outcome, 'completed');
    assert.deepEqual(done.history, ['remind', 'confirmed']);
  });

  it('refuses a call request with a bad number or an unknown flow, naming the problem', async () => {
    const badNumber = await post('/api/calls', { to: '555-0100', flow: 'reminder' });
    assert.equal(badNumber.status, 400);
    assert.match(((await badNumber.json()) as { error: string }).error, /to: must be an E\.164 number/);
    const unknownFlow = await post('/api/calls', { to: '+14255550188', flow: 'nope' });
    assert.equal(unknownFlow.status, 404);
  });

  it('runs a campaign of 20 contacts, retrying the 3 who do not answer, with a result for each', async () => {
    const noAnswer = ['+14255550901', '+14255550902', '+14255550903'];
    for (const number of noAnswer) await sb.acs.control.configureAgent(number, { kind: 'noAnswer' });
    const contacts = Array.from({ length: 20 }, (_, i) => ({
      to: i < 3 ? noAnswer[i] : `+1425555${String(1000 + i)}`,
    }));
    const started = await post('/api/campaigns', {
      flow: 'reminder',
      contacts,
      concurrency: 5,
      maxAttempts: 2,
      retryDelaySeconds: 0.1,
      ringTimeoutSeconds: 5,
    });
    assert.equal(started.status, 202);
    const { statusUrl } = (await started.json()) as { statusUrl: string };

    // Answered callees hear the reminder and press 1 as they come in.
    const pressed = new Set<string>();
    const result = await waitFor(
      async () => {
        for (const call of await sb.acs.control.listCalls()) {
          if (call.direction !== 'outbound' || pressed.has(call.serverCallId) || !call.callConnectionId) continue;
          const recognizing = await sb.acs.control.timeline({
            kind: 'request',
            operation: 'recognize',
            callConnectionId: call.callConnectionId,
          });
          if (recognizing.length) {
            pressed.add(call.serverCallId);
            await sb.acs.control.pressDigits(call.serverCallId, '1');
          }
        }
        const campaign = (await (await sb.api(statusUrl)).json()) as {
          state: string;
          results: { status: string; attempts: number; to: string }[];
        };
        return campaign.state === 'Completed' ? campaign.results : undefined;
      },
      { what: 'the campaign to finish', timeoutMs: 90_000, intervalMs: 100 },
    );
    assert.equal(result.length, 20);
    const unanswered = result.filter((r) => r.status === 'no-answer');
    assert.equal(unanswered.length, 3);
    assert.ok(
      unanswered.every((r) => r.attempts === 2),
      'each unanswered contact was tried twice',
    );
    assert.ok(
      result.filter((r) => r.status !== 'no-answer').every((r) => r.status === 'completed' && r.attempts === 1),
    );
    assert.ok(
      result.every((r) => /^\+\*+\d{2}$/.test(r.to)),
      'numbers are masked in the results',
    );
  });

  it('lets server-side logic start, pause, resume and stop a call recording by serverCallId', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550123', to: '+18005550100' });
    await sb.acs.control.waitForRequest('recognize', { serverCallId: call.serverCallId }, 15_000);
    const startAs = async (authorization?: string) =>
      fetch(`${sb.host.url}/api/recordings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ serverCallId: call.serverCallId }),
      });
    assert.equal((await startAs()).status, 401, 'no token, no recording');
    const reader = await sb.entra.token({ roles: ['Calls.Read'], caller: 'reader' });
    assert.equal((await startAs(`Bearer ${reader}`)).status, 403, 'reading calls is not recording them');
    assert.equal((await sb.acs.control.timeline({ kind: 'request', operation: 'startRecording' })).length, 0);
    const started = await post('/api/recordings', { serverCallId: call.serverCallId });
    assert.equal(started.status, 201);
    const { recordingId, state } = (await started.json()) as { recordingId: string; state: string };
    assert.equal(state, 'active');
    assert.equal(
      ((await (await post(`/api/recordings/${recordingId}/pause`, {})).json()) as { recordingId: string }).recordingId,
      recordingId,
    );
    const paused = (await (await sb.api(`/api/recordings/${recordingId}`)).json()) as { state: string };
    assert.equal(paused.state, 'inactive');
    assert.equal((await post(`/api/recordings/${recordingId}/resume`, {})).status, 200);
    assert.equal((await post(`/api/recordings/${recordingId}/stop`, {})).status, 200);
    assert.equal((await post('/api/recordings/no-such-recording/pause', {})).status, 404);
    assert.equal((await post('/api/recordings', { callId: 'x' })).status, 400);
    await sb.acs.control.hangUp(call.serverCallId);
  });
});
