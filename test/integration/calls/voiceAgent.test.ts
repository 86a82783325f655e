import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { callIdFor } from '../../../shared/calls/callIdFor';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';

// A caller talks with the voice agent through the whole sandbox: the ACS emulator streams the caller's
// synthesized speech to the media bridge, the offline agent answers, the app's orchestration acts on its
// hand-off, and the live transcript is summarised with personal data redacted.

describe('a caller who reaches the voice agent', () => {
  let sb: SwitchboardSandbox;

  before(async () => {
    sb = await startSwitchboard({ acs: { timeScale: 0.05, answerDelayMs: 100 }, bridge: {} });
  });
  after(async () => {
    await sb?.stop();
  });

  const world = (serverCallId: string, type: string, since = 0) =>
    sb.acs.control.waitFor({ kind: 'world', type, serverCallId, since }, 120_000);

  it('hears the greeting, is interrupted cleanly, gets an answer, asks for a person and is transferred; the live transcript is written', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550123', to: '+18005550800' });
    const callId = callIdFor(call.serverCallId);
    await world(call.serverCallId, 'mediaStreamConnected');
    const greeting = await world(call.serverCallId, 'mediaAudioReceived');

    // Barge-in: the caller talks over the greeting; StopAudio reaches ACS before any further agent audio.
    await sb.acs.control.say(call.serverCallId, 'hello');
    const stop = await world(call.serverCallId, 'mediaStopAudio', greeting.seq);
    const frames = await sb.acs.control.timeline({
      serverCallId: call.serverCallId,
      kind: 'world',
      since: greeting.seq,
    });
    const firstStop = frames.findIndex((e) => e.type === 'mediaStopAudio');
    assert.ok(firstStop >= 0 && frames[firstStop].seq === stop.seq);

    await sb.acs.control.say(call.serverCallId, 'I want to check on my order');
    await world(call.serverCallId, 'mediaAudioReceived', stop.seq);

    await sb.acs.control.say(call.serverCallId, 'Can I speak to a person please. My email is jane at example dot com');
    await sb.acs.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 180_000);
    const state = await waitFor(
      async () => {
        const response = await sb.api(`/api/calls/${callId}`);
        const body = (await response.json()) as { history: string[] };
        return body.history.includes('person') ? body : undefined;
      },
      { what: 'the flow to reach the hand-off step', timeoutMs: 60_000 },
    );
    assert.ok(state.history.includes('assistant'));
    await sb.acs.control.hangUp(call.serverCallId).catch(() => undefined);

    const transcripts = BlobServiceClient.fromConnectionString(sb.azurite.connectionString).getContainerClient(
      'transcripts',
    );
    await waitFor(() => transcripts.getBlobClient(`${callId}.json`).exists(), {
      what: 'the live transcript',
      timeoutMs: 60_000,
    });
    const transcript = JSON.parse(
      (await transcripts.getBlobClient(`${callId}.json`).downloadToBuffer()).toString(),
    ) as {
      source: string;
      turns: { role: string; text: string }[];
    };
    assert.equal(transcript.source, 'live-transcript');
    assert.ok(transcript.turns.some((t) => t.role === 'bot'));
    assert.ok(transcript.turns.some((t) => t.role === 'customer' && /order/.test(t.text)));
  });

  it('ends the orchestration cleanly when the caller hangs up while the agent is talking', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550124', to: '+18005550800' });
    const callId = callIdFor(call.serverCallId);
    await world(call.serverCallId, 'mediaAudioReceived');
    await sb.acs.control.hangUp(call.serverCallId);
    const ended = await waitFor(
      async () => {
        const body = (await (await sb.api(`/api/calls/${callId}`)).json()) as {
          state: string;
          outcome?: string;
        };
        return body.state === 'Completed' ? body : undefined;
      },
      { what: 'the orchestration to complete', timeoutMs: 60_000 },
    );
    assert.equal(ended.outcome, 'caller-hung-up');
  });
});
