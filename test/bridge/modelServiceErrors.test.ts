import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/identity';
import { startBridge, type Bridge } from '@switchboard/bridge/bridgeServer';
import type { AgentReport, AppApi } from '@switchboard/bridge/appClient';
import { createProvider } from '@switchboard/bridge/createProvider';
import type { AgentConfig, VoiceModelProvider } from '@switchboard/bridge/providers/voiceModel';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { connectAsAcs, startAcsKeys, type AcsKeys } from '@switchboard/acs-emulator/media/acsMediaClient';
import { waitFor } from '../support/waitFor';

// The two Azure SDK providers against the strict realtime fake, which answers as the services do: an error
// event for a cancel with no response in progress, its own cancel when server VAD hears the caller, a refusal
// for a setting the service does not take, session_expired at the session's maximum duration. Replies are
// scripted (a tone), so every stage of a response can be reached on purpose.

const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const APOLOGY = Buffer.alloc(9_600, 1); // 200 ms at 24 kHz

type Provider = 'voicelive' | 'openai-realtime';

describe('the Azure voice providers when the model service says no', () => {
  let keys: AcsKeys;
  let fake: FakeRealtimeService;
  let bridge: Bridge;
  const reports = new Map<string, AgentReport[]>();
  const logs: { message: string; properties?: Record<string, unknown> }[] = [];
  /** Each call's provider and agent voice, chosen by the test that makes the call. */
  const calls = new Map<string, { provider: Provider; voice?: string; misconfigured?: boolean }>();
  let providers: Record<Provider | 'bad-openai-realtime', VoiceModelProvider>;
  let n = 0;

  before(async () => {
    keys = await startAcsKeys();
    fake = await startFakeRealtimeService({ mode: 'agent' });
    providers = {
      voicelive: createProvider(
        { name: 'voicelive', endpoint: fake.url, model: 'gpt-realtime', voice: 'en-US-AvaMultilingualNeural' },
        credential,
      ),
      'openai-realtime': createProvider(
        { name: 'openai-realtime', endpoint: fake.url, deployment: 'gpt-realtime', voice: 'alloy' },
        credential,
      ),
      'bad-openai-realtime': createProvider(
        { name: 'openai-realtime', endpoint: fake.url, deployment: 'gpt-realtime', voice: 'en-US-AvaNeural' },
        credential,
      ),
    };
    const app: AppApi = {
      agent: (callId) => {
        const call = calls.get(callId)!;
        const agent: AgentConfig = {
          callId,
          instructions: 'Help the caller.',
          voice: call.voice,
          canHandoff: true,
          tools: [],
          maxMs: 60_000,
        };
        return Promise.resolve(agent);
      },
      report: (callId, _token, report) => {
        reports.set(callId, [...(reports.get(callId) ?? []), report]);
        return Promise.resolve();
      },
      // Every stream is this test's own, for a call that runs: the app's admission is not under test here.
      connect: () => Promise.resolve({ running: true }),
      session: () => Promise.resolve({ running: true }),
      hangUp: () => Promise.resolve(),
    };
    const perCall: VoiceModelProvider = {
      name: 'per-call',
      open: (agent, events, options) => {
        const call = calls.get(agent.callId)!;
        const name = call.misconfigured && call.provider === 'openai-realtime' ? 'bad-openai-realtime' : call.provider;
        return providers[name].open(agent, events, options);
      },
    };
    bridge = await startBridge({
      token: keys.token,
      provider: perCall,
      app,
      transcripts: { save: () => Promise.resolve() },
      apology: APOLOGY,
      log: (message, properties) => logs.push({ message, properties }),
    });
  });
  after(async () => {
    await bridge?.close();
    await fake?.close();
    await keys?.close();
  });

  async function call(
    provider: Provider,
    options: { voice?: string; misconfigured?: boolean; sampleRate?: number } = {},
  ) {
    const callId = `call-${provider}-${++n}`;
    calls.set(callId, { provider, ...options });
    const connectedAt = Date.now();
    const acs = await connectAsAcs(bridge.url, {
      callId,
      callToken: `token-${callId}`,
      authorization: `Bearer ${await keys.sign()}`,
      sampleRate: options.sampleRate,
    });
    const started = () =>
      waitFor(() => reports.get(callId)?.some((r) => r.type === 'started'), { what: 'the agent to start' });
    const session = () => fake.sessions.at(-1)!;
    const failed = () => reports.get(callId)?.find((r) => r.type === 'failed');
    return { callId, acs, connectedAt, started, session, failed };
  }

  /** A new reply reaches the caller whole: the call is still talking with the agent. */
  async function replyIsHeard(acs: { audioBytes: number }, sampleRate = 24_000) {
    const before = acs.audioBytes;
    fake.respondAll({ audioMs: 400, text: 'Anything else?' });
    await waitFor(() => acs.audioBytes >= before + (sampleRate * 2 * 400) / 1000, { what: 'the next reply' });
  }

  for (const provider of ['voicelive', 'openai-realtime'] as const) {
    describe(`${provider}`, () => {
      it('keeps talking with a caller who interrupts after the model finished generating', async () => {
        const c = await call(provider);
        await c.started();
        const session = c.session();
        fake.respondAll({ audioMs: 3_000 }); // generated at once: response.done before the caller has heard it
        await waitFor(() => c.acs.received.includes('audio'), { what: 'the reply to play' });
        assert.equal(fake.responding(), false, 'the model has finished generating');
        fake.speechStartedAll();
        await waitFor(() => c.acs.received.includes('stop'), { what: 'StopAudio' });
        await waitFor(() => session.received.includes('conversation.item.truncate'), { what: 'the truncate' });
        await replyIsHeard(c.acs);
        assert.equal(c.failed(), undefined, 'no failure reported');
        assert.deepEqual(session.errors, [], 'the service refused nothing the bridge sent');
        assert.ok(!session.received.includes('response.cancel'), 'no cancel for a response that had finished');
        c.acs.close();
      });

      it('keeps talking with a caller who interrupts while the model is still generating', async () => {
        const c = await call(provider);
        await c.started();
        const session = c.session();
        fake.respondAll({ audioMs: 3_000, holdAfterMs: 1_000 });
        await waitFor(() => c.acs.received.includes('audio'), { what: 'the reply to play' });
        assert.equal(fake.responding(), true, 'the model is still generating');
        // Server VAD cancels the response itself (turn_detected); the bridge's own cancel may race it.
        fake.speechStartedAll();
        await waitFor(() => c.acs.received.includes('stop'), { what: 'StopAudio' });
        assert.deepEqual(
          session.responses.map((r) => r.reason),
          ['turn_detected'],
          'the service cancelled the reply when the caller spoke',
        );
        await replyIsHeard(c.acs);
        assert.equal(c.failed(), undefined, 'no failure reported');
        assert.ok(
          session.errors.every((e) => e.code === 'response_cancel_not_active'),
          `only the expected cancel race, got ${session.errors.map((e) => e.code).join(', ')}`,
        );
        c.acs.close();
      });

      it('keeps talking with a caller who speaks before the model has generated any audio', async () => {
        const c = await call(provider);
        await c.started();
        const session = c.session();
        fake.respondAll({ audioMs: 2_000, holdAfterMs: 0 });
        await waitFor(() => fake.responding(), { what: 'the response to be created' });
        fake.speechStartedAll();
        await waitFor(() => session.responses.length === 1, { what: 'the server to cancel the response' });
        await replyIsHeard(c.acs);
        assert.equal(c.failed(), undefined);
        assert.ok(!c.acs.received.includes('stop'), 'nothing was playing, so nothing to stop');
        c.acs.close();
      });

      it('ends a session the service refuses in the apology and the fallback within 2 s, saying why', async () => {
        // Voice Live takes Azure voice names; the realtime API its own voices (alloy, ...): each refuses the other's.
        const c = await call(provider, provider === 'voicelive' ? { voice: 'alloy-ish' } : { misconfigured: true });
        const failed = await waitFor(c.failed, { what: 'the failure report', timeoutMs: 5_000 });
        assert.ok(Date.now() - c.connectedAt < 2_000, `reported after ${Date.now() - c.connectedAt} ms`);
        assert.equal(failed.type === 'failed' && failed.reason, 'model-session-rejected');
        assert.ok(!reports.get(c.callId)?.some((r) => r.type === 'started'), 'never reported as started');
        await waitFor(() => c.acs.audioBytes >= APOLOGY.length, { what: 'the whole apology' });
        const logged = logs.find(
          (l) => l.message === 'voice agent could not start' && l.properties?.callId === c.callId,
        );
        assert.equal(logged?.properties?.reason, 'model-session-rejected');
        assert.equal(logged?.properties?.code, 'invalid_value');
        assert.match(String(logged?.properties?.param), /voice/);
        c.acs.close();
      });

      it('ends the call in the apology when the session reaches its maximum duration', async () => {
        fake.maxSessionMs = 1_500;
        try {
          const c = await call(provider);
          await c.started();
          const failed = await waitFor(c.failed, { what: 'the failure report' });
          assert.equal(failed.type === 'failed' && failed.reason, 'model-session-expired');
          await waitFor(() => c.acs.audioBytes >= APOLOGY.length, { what: 'the whole apology' });
          c.acs.close();
        } finally {
          fake.maxSessionMs = 30 * 60_000;
        }
      });

      it('logs a response the service could not run (rate limit) and goes on', async () => {
        const c = await call(provider);
        await c.started();
        fake.failResponses(1);
        fake.respondAll({ audioMs: 400 });
        await waitFor(
          () => logs.find((l) => l.message === 'voice model reported an error' && l.properties?.callId === c.callId),
          { what: 'the logged failure' },
        );
        await replyIsHeard(c.acs);
        assert.equal(c.failed(), undefined);
        c.acs.close();
      });
    });
  }

  it('opens a Voice Live session on gpt-realtime with a transcription model the service offers for it', async () => {
    const c = await call('voicelive');
    await c.started();
    const session = c.session();
    assert.equal(session.configured, true);
    assert.deepEqual(session.errors, []);
    assert.equal((session.session.input_audio_transcription as { model: string }).model, 'whisper-1');
    c.acs.close();
  });

  it('passes a 16 kHz stream through to Voice Live and back without resampling', async () => {
    const c = await call('voicelive', { sampleRate: 16_000 });
    await c.started();
    const session = c.session();
    assert.equal(session.session.input_audio_sampling_rate, 16_000);
    assert.equal(session.session.output_audio_format, 'pcm16_16000hz');
    const caller = Buffer.alloc(16_000 * 2, 3); // one second at 16 kHz
    c.acs.sendPcm(caller, 16_000);
    await waitFor(() => session.appendedBytes >= caller.length, { what: "the caller's audio at the model" });
    assert.equal(session.appendedBytes, caller.length, 'the same bytes, not resampled to 24 kHz');
    await replyIsHeard(c.acs, 16_000);
    c.acs.close();
  });
});
