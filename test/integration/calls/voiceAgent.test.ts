import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { callIdFor } from '../../../shared/calls/callIdFor';
import { synthesize } from '../../../shared/audio/speechSynthesizer';
import { PocketsphinxSpeechToText } from '../../../shared/insights/pocketsphinxSpeechToText';
import { renderApology } from '../../../bridge/apology';
import { createProvider } from '../../../bridge/createProvider';
import { startFakeRealtimeService, type FakeRealtimeService } from '../../../sandbox/ai/fakeRealtimeService';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';

// A caller talks with the voice agent through the whole sandbox: the ACS emulator streams the caller's
// synthesized speech to the media bridge, which runs the Voice Live SDK provider against the Voice Live fake
// (the offline agent behind Voice Live's real event protocol); the app's orchestration acts on the agent's
// hand-off or failure, and the live transcript is summarised with personal data redacted.
// Nothing waits on the clock: each step waits for what the previous one causes.

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('a caller who reaches the voice agent', () => {
  let sb: SwitchboardSandbox;
  let model: FakeRealtimeService;
  let apology: Buffer;

  before(async () => {
    apology = await renderApology();
    model = await startFakeRealtimeService({
      mode: 'agent',
      engine: { stt: new PocketsphinxSpeechToText(), synthesize: (text) => synthesize(text, 'slt') },
    });
    const provider = createProvider(
      { name: 'voicelive', endpoint: model.url, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' },
      credential,
    );
    sb = await startSwitchboard({ acs: { timeScale: 0.05, answerDelayMs: 100 }, bridge: { provider } });
  });
  after(async () => {
    await sb?.stop();
    await model?.close();
  });

  const world = (serverCallId: string, type: string, since = 0) =>
    sb.acs.control.waitFor({ kind: 'world', type, serverCallId, since }, 120_000);
  const timeline = (serverCallId: string, since = 0) => sb.acs.control.timeline({ serverCallId, kind: 'world', since });
  const history = async (callId: string) =>
    (await (await sb.api(`/api/calls/${callId}`)).json()) as { history: string[]; state: string; outcome?: string };

  /** The agent's media stream is up (or why it is not: the flow would have taken its fallback). */
  const connected = async (serverCallId: string) => {
    const failed = sb.acs.control
      .waitForEvent('MediaStreamingFailed', { serverCallId }, 120_000)
      .then((e) => Promise.reject(new Error(`media streaming failed: ${JSON.stringify(e.data)}`)));
    failed.catch(() => undefined);
    return Promise.race([world(serverCallId, 'mediaStreamConnected'), failed]);
  };

  it('hears the greeting, is cut off cleanly, gets an answer, asks for a person and is transferred; the summary has the name and number redacted', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550123', to: '+18005550800' });
    const callId = callIdFor(call.serverCallId);
    await connected(call.serverCallId);
    const greeting = await world(call.serverCallId, 'mediaAudioReceived');

    // Barge-in: the model's voice activity detection hears the caller while the greeting plays (several
    // seconds of it are queued at the bridge); StopAudio reaches ACS, and no more of the greeting follows.
    model.speechStartedAll();
    const stop = await world(call.serverCallId, 'mediaStopAudio', greeting.seq);
    await sb.acs.control.say(call.serverCallId, 'I want to check on my order');
    const asked = await world(call.serverCallId, 'say', stop.seq);
    const between = await timeline(call.serverCallId, stop.seq);
    assert.ok(
      !between.some((e) => e.type === 'mediaAudioReceived' && e.seq < asked.seq),
      'no agent audio between StopAudio and the next question',
    );
    await world(call.serverCallId, 'mediaAudioReceived', asked.seq);

    await sb.acs.control.say(
      call.serverCallId,
      'Can I speak to a person please. My name is Jane Doe and my number is 425 555 0187.',
    );
    await sb.acs.control.waitForRequest('transferToParticipant', { serverCallId: call.serverCallId }, 180_000);
    const state = await waitFor(
      async () => ((await history(callId)).history.includes('person') ? history(callId) : undefined),
      {
        what: 'the flow to reach the hand-off step',
        timeoutMs: 60_000,
      },
    );
    assert.ok(state.history.includes('assistant'));
    await sb.acs.control.hangUp(call.serverCallId).catch(() => undefined);

    const blobs = BlobServiceClient.fromConnectionString(sb.azurite.connectionString);
    const transcriptBlob = blobs.getContainerClient('transcripts').getBlobClient(`${callId}.json`);
    await waitFor(() => transcriptBlob.exists(), { what: 'the live transcript', timeoutMs: 60_000 });
    const transcript = JSON.parse((await transcriptBlob.downloadToBuffer()).toString()) as {
      source: string;
      turns: { role: string; text: string }[];
    };
    assert.equal(transcript.source, 'live-transcript');
    assert.ok(transcript.turns.some((t) => t.role === 'bot'));
    assert.ok(transcript.turns.some((t) => t.role === 'customer' && /order/.test(t.text)));
    assert.ok(
      transcript.turns.some((t) => t.role === 'customer' && /Jane Doe/.test(t.text)),
      'the raw transcript has the name',
    );

    // The pipeline summarises the live transcript: summaries/{callId}.json holds neither the name nor the number.
    const summaryBlob = blobs.getContainerClient('summaries').getBlobClient(`${callId}.json`);
    await waitFor(() => summaryBlob.exists(), { what: 'the summary', timeoutMs: 120_000 });
    const text = (await summaryBlob.downloadToBuffer()).toString();
    const summary = JSON.parse(text) as { id: string; source: string; redaction: Record<string, number> };
    assert.equal(summary.id, callId);
    assert.equal(summary.source, 'live-transcript');
    assert.ok(summary.redaction.name >= 1, 'the name was redacted');
    assert.ok(summary.redaction.phone >= 1, 'the number was redacted');
    assert.doesNotMatch(text, /jane|doe/i);
    assert.doesNotMatch(text.replace(/\D/g, ''), /4255550187|5550187/);
  });

  it('hears the apology, then the flow takes its fallback, when the model drops mid-call', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550125', to: '+18005550800' });
    const callId = callIdFor(call.serverCallId);
    await connected(call.serverCallId);
    const greeting = await world(call.serverCallId, 'mediaAudioReceived');
    const before = (await timeline(call.serverCallId, greeting.seq)).at(-1)?.seq ?? greeting.seq;
    model.dropAll();
    const fallback = await sb.acs.control.waitForRequest(
      'play',
      { serverCallId: call.serverCallId, since: before },
      120_000,
    );
    // What ACS received after the drop: StopAudio for the greeting (when some was still queued), then the
    // whole apology, all of it before the app played the fallback step's prompt.
    const after = (await timeline(call.serverCallId, before)).filter((e) => e.seq < fallback.seq);
    const stop = after.findLastIndex((e) => e.type === 'mediaStopAudio');
    const apologyBytes = after
      .slice(stop + 1)
      .filter((e) => e.type === 'mediaAudioReceived')
      .reduce((sum, e) => sum + Number((e.data as { bytes: number }).bytes), 0);
    assert.ok(
      apologyBytes >= apology.length,
      `the whole apology (${apology.length} bytes) played, got ${apologyBytes}`,
    );
    const ended = await waitFor(
      async () => {
        const body = await history(callId);
        return body.state === 'Completed' ? body : undefined;
      },
      { what: 'the orchestration to complete', timeoutMs: 60_000 },
    );
    assert.ok(ended.history.includes('sorry'), 'the flow took the fallback step');
  });

  it('ends the orchestration cleanly when the caller hangs up while the agent is talking', async () => {
    const call = await sb.acs.control.placeCall({ from: '+14255550124', to: '+18005550800' });
    const callId = callIdFor(call.serverCallId);
    await connected(call.serverCallId);
    await world(call.serverCallId, 'mediaAudioReceived');
    await sb.acs.control.hangUp(call.serverCallId);
    const ended = await waitFor(
      async () => {
        const body = await history(callId);
        return body.state === 'Completed' ? body : undefined;
      },
      { what: 'the orchestration to complete', timeoutMs: 60_000 },
    );
    assert.equal(ended.outcome, 'caller-hung-up');
  });
});
