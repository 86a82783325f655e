import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFakeRealtimeService, type FakeRealtimeService } from '@switchboard/ai-fakes/fakeRealtimeService';
import { waitFor } from '../../support/waitFor';

// The realtime fake refuses what Voice Live and the Azure OpenAI realtime API refuse, with the error event
// they send (type, code, param, the client's event_id), and the handshake refusals (status, error body).
// Each case is a rule in sandbox/ai/README.md.

interface ErrorEvent {
  type: 'error';
  error: { type: string; code: string; message: string; param: string | null; event_id: string | null };
}

async function connect(url: string, headers: Record<string, string> = { authorization: 'Bearer token' }) {
  const ws = new WebSocket(url, { headers });
  const events: Record<string, unknown>[] = [];
  ws.on('message', (raw) => events.push(JSON.parse((raw as Buffer).toString('utf8')) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body, headers: res.headers }),
        ),
      );
    });
    ws.once('error', reject);
  });
  let seen = 0;
  /** Sends a client event and returns the next error event the service answers with. */
  const refusal = async (event: unknown): Promise<ErrorEvent['error']> => {
    ws.send(typeof event === 'string' ? event : JSON.stringify(event));
    const found = await waitFor(() => events.slice(seen).find((e) => e.type === 'error') as ErrorEvent | undefined, {
      what: 'an error event',
      timeoutMs: 5_000,
    });
    seen = events.indexOf(found as unknown as Record<string, unknown>) + 1;
    return found.error;
  };
  const next = (type: string) => waitFor(() => events.find((e) => e.type === type), { what: type, timeoutMs: 5_000 });
  return { ws, events, refusal, next, close: () => ws.close() };
}

describe('the realtime fake refuses what the services refuse', () => {
  let fake: FakeRealtimeService;
  let openai: string;
  let voiceLive: (model: string) => string;

  before(async () => {
    fake = await startFakeRealtimeService({ mode: 'agent', plain: true, deployments: ['gpt-realtime'] });
    const ws = fake.url.replace(/^http/, 'ws');
    openai = `${ws}/openai/v1/realtime?model=gpt-realtime`;
    voiceLive = (model) => `${ws}/voice-live/realtime?api-version=2025-10-01&model=${model}`;
  });
  after(() => fake?.close());

  describe('Azure OpenAI realtime (GA)', () => {
    const session = (extra: Record<string, unknown> = {}) => ({ type: 'realtime', ...extra });

    it('names each session setting it refuses: its code, its path, and the event that carried it', async () => {
      const c = await connect(openai);
      const cases: [unknown, string, string | null][] = [
        [{ instructions: 'x' }, 'missing_required_parameter', 'session.type'],
        [session({ audio: { output: { voice: 'en-US-AvaNeural' } } }), 'invalid_value', 'session.audio.output.voice'],
        [
          session({ audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } }),
          'invalid_value',
          'session.audio.input.format.rate',
        ],
        [session({ voice: 'alloy' }), 'unknown_parameter', 'session.voice'],
        [session({ instructions: 42 }), 'invalid_type', 'session.instructions'],
        [session({ output_modalities: ['text', 'audio'] }), 'invalid_value', 'session.output_modalities'],
      ];
      for (const [s, code, param] of cases) {
        const error = await c.refusal({ type: 'session.update', event_id: `evt-${code}`, session: s });
        assert.deepEqual(
          { type: error.type, code: error.code, param: error.param, event_id: error.event_id },
          { type: 'invalid_request_error', code, param, event_id: `evt-${code}` },
          JSON.stringify(s),
        );
      }
      c.close();
    });

    it('refuses a cancel with no response in progress, an unknown item, an unknown event and text that is not JSON', async () => {
      const c = await connect(openai);
      const cancel = await c.refusal({ type: 'response.cancel', event_id: 'evt-cancel' });
      assert.equal(cancel.code, 'response_cancel_not_active');
      assert.equal(cancel.message, 'Cancellation failed: no active response found');
      assert.equal(cancel.event_id, 'evt-cancel');
      const truncate = await c.refusal({
        type: 'conversation.item.truncate',
        item_id: 'item_none',
        content_index: 0,
        audio_end_ms: 10,
      });
      assert.equal(truncate.code, 'item_not_found');
      assert.equal((await c.refusal({ type: 'session.delete' })).param, 'type');
      assert.equal((await c.refusal('{not json')).code, 'invalid_json');
      c.close();
    });

    it('refuses a second response while one is in progress, and a new voice once the model has spoken', async () => {
      const c = await connect(openai);
      c.ws.send(
        JSON.stringify({ type: 'session.update', session: session({ audio: { output: { voice: 'alloy' } } }) }),
      );
      await c.next('session.updated');
      fake.respondAll({ audioMs: 500, holdAfterMs: 100 });
      assert.equal((await c.refusal({ type: 'response.create' })).code, 'conversation_already_has_active_response');
      fake.releaseAll();
      const voice = await c.refusal({
        type: 'session.update',
        session: session({ audio: { output: { voice: 'ash' } } }),
      });
      assert.equal(voice.code, 'cannot_update_voice');
      c.close();
    });

    it('cancels the response itself when server VAD hears the caller, and ends a session at its maximum duration', async () => {
      fake.maxSessionMs = 300;
      try {
        const c = await connect(openai);
        fake.respondAll({ audioMs: 500, holdAfterMs: 100 });
        fake.speechStartedAll();
        const done = (await c.next('response.done')) as { response: { status: string; status_details: unknown } };
        assert.equal(done.response.status, 'cancelled');
        assert.deepEqual(done.response.status_details, { type: 'cancelled', reason: 'turn_detected' });
        const expired = await waitFor(() => c.events.find((e) => e.type === 'error') as ErrorEvent | undefined, {
          what: 'session_expired',
        });
        assert.equal(expired.error.code, 'session_expired');
        await waitFor(() => c.ws.readyState === WebSocket.CLOSED, { what: 'the socket to close' });
      } finally {
        fake.maxSessionMs = 30 * 60_000;
      }
    });

    it('refuses the handshake without credentials, for an unknown deployment, and when throttled (with Retry-After)', async () => {
      const refused = (url: string, headers?: Record<string, string>) =>
        connect(url, headers).then(
          () => assert.fail('connected'),
          (e: { status: number; body: string; headers: Record<string, string> }) => e,
        );
      assert.equal((await refused(openai, {})).status, 401);
      const missing = await refused(openai.replace('gpt-realtime', 'gpt-nothing'));
      assert.equal(missing.status, 404);
      assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'DeploymentNotFound');
      assert.equal((await refused(openai.replace('/v1/realtime', '/realtime'))).status, 404);
      fake.throttleNew(1, 7);
      const throttled = await refused(openai);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers['retry-after'], '7');
    });
  });

  describe('Voice Live', () => {
    const update = (session: Record<string, unknown>) => ({ type: 'session.update', session });

    it('takes a transcription model by model family: whisper-1 family for realtime models, azure-speech for the rest', async () => {
      const realtime = await connect(voiceLive('gpt-realtime'));
      const a = await realtime.refusal(update({ input_audio_transcription: { model: 'azure-speech' } }));
      assert.deepEqual([a.code, a.param], ['invalid_value', 'session.input_audio_transcription.model']);
      realtime.close();
      const cascaded = await connect(voiceLive('gpt-4.1'));
      const b = await cascaded.refusal(update({ input_audio_transcription: { model: 'whisper-1' } }));
      assert.deepEqual([b.code, b.param], ['invalid_value', 'session.input_audio_transcription.model']);
      cascaded.ws.send(JSON.stringify(update({ input_audio_transcription: { model: 'azure-speech' } })));
      await cascaded.next('session.updated');
      cascaded.close();
    });

    it('refuses a voice, an audio format or a rate it does not offer, and phrase lists outside azure-speech', async () => {
      const c = await connect(voiceLive('gpt-realtime'));
      const cases: [Record<string, unknown>, string][] = [
        [{ voice: { type: 'azure-standard', name: 'Ava' } }, 'session.voice.name'],
        [{ output_audio_format: 'pcm16_44100hz' }, 'session.output_audio_format'],
        [{ input_audio_sampling_rate: 44100 }, 'session.input_audio_sampling_rate'],
        [{ input_audio_format: 'g711_ulaw', input_audio_sampling_rate: 16000 }, 'session.input_audio_sampling_rate'],
        [
          { input_audio_transcription: { model: 'whisper-1', phrase_list: ['Contoso'] } },
          'session.input_audio_transcription.phrase_list',
        ],
        [{ turn_detection: { type: 'client_vad' } }, 'session.turn_detection.type'],
      ];
      for (const [s, param] of cases) {
        const error = await c.refusal(update(s));
        assert.equal(error.param, param, JSON.stringify(s));
        assert.equal(error.type, 'invalid_request_error');
      }
      c.close();
    });

    it('refuses the handshake without a supported api-version', async () => {
      await assert.rejects(connect(voiceLive('gpt-realtime').replace('2025-10-01', '2020-01-01')), /HTTP 400/);
    });
  });
});
