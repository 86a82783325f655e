import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { bytesOf, encodeWav, resample } from '@switchboard/audio/pcm';
import { synthesize, type Voice } from '@switchboard/audio/speechSynthesizer';
import { UnsupportedError } from '@switchboard/core/errors';
import { AzureSpeechToText } from '@switchboard/app/insights/azureSpeechToText';
import type { Turn } from '@switchboard/core/conversation';
import { isDeadLetterError } from '@switchboard/core/deadLetterError';
import {
  LOCAL_STT_UNAVAILABLE,
  PocketsphinxSpeechToText,
  localSpeechToTextStatus,
} from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { startFakeLanguageService, type FakeLanguageService } from '@switchboard/ai-fakes/fakeLanguageService';
import { silentWav } from '../../unit/insights/silentWav';
import { missingCommands } from '../../support/systemPackages';

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: 'speech-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure fast transcription against the fake Speech service', () => {
  let fake: FakeLanguageService;
  before(async () => {
    fake = await startFakeLanguageService({
      expectedToken: 'speech-token',
      transcribe: (_audio, definition) =>
        Array.isArray(definition.channels)
          ? [
              {
                channel: 1,
                offsetMilliseconds: 1800,
                durationMilliseconds: 900,
                text: 'I can help with that.',
                confidence: 0.93,
              },
              {
                channel: 0,
                offsetMilliseconds: 200,
                durationMilliseconds: 1400,
                text: 'My bill is wrong.',
                confidence: 0.91,
              },
            ]
          : [{ offsetMilliseconds: 120, durationMilliseconds: 1000, text: 'Hello there.', confidence: 0.8 }],
    });
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  test('uploads the audio and a definition as multipart with a bearer token', async () => {
    const stt = new AzureSpeechToText({ endpoint: fake.url, credential, ca: fake.ca });
    const turns = await stt.transcribe(silentWav(1), { locale: 'en-GB' });
    assert.deepEqual(turns, [
      {
        participantId: 'mixed',
        role: 'customer',
        text: 'Hello there.',
        offsetMs: 120,
        durationMs: 1000,
        confidence: 0.8,
      },
    ]);
    const [request] = fake.requests;
    assert.equal(request.path, '/speechtotext/transcriptions:transcribe');
    assert.equal(request.query['api-version'], '2024-11-15');
    assert.equal(request.headers.authorization, 'Bearer speech-token');
    assert.match(String(request.headers['content-type']), /^multipart\/form-data; boundary=/);
    const body = request.body as { fields: { definition: string }; files: { audio: { bytes: number } } };
    assert.deepEqual(JSON.parse(body.fields.definition), { locales: ['en-GB'] });
    assert.equal(body.files.audio.bytes, silentWav(1).length);
  });

  test('transcribes each channel of a stereo recording as its own participant', async () => {
    const stt = new AzureSpeechToText({ endpoint: fake.url, credential, ca: fake.ca });
    const turns = await stt.transcribe(silentWav(3, 16000, 2), { channelRoles: ['customer', 'agent'] });
    assert.deepEqual(
      turns.map((t) => [t.participantId, t.role, t.text]),
      [
        ['channel-0', 'customer', 'My bill is wrong.'],
        ['channel-1', 'agent', 'I can help with that.'],
      ],
    );
    assert.deepEqual(
      (
        JSON.parse((fake.requests[0].body as { fields: { definition: string } }).fields.definition) as {
          channels: number[];
        }
      ).channels,
      [0, 1],
    );
  });

  test('retries a throttled upload after Retry-After', async () => {
    fake.throttleNext(1, { retryAfterSeconds: 1 });
    const stt = new AzureSpeechToText({ endpoint: fake.url, credential, ca: fake.ca });
    await stt.transcribe(silentWav(0.5));
    assert.deepEqual(
      fake.requests.map((r) => r.status),
      [429, 200],
    );
    const [throttled, retried] = fake.requests;
    assert.ok(retried.at - throttled.at >= 950, `retried after ${Math.round(retried.at - throttled.at)} ms`);
  });

  test('uploads other containers with their content type, as one stream', async () => {
    const stt = new AzureSpeechToText({ endpoint: fake.url, credential, ca: fake.ca });
    const flac = Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(64)]);
    const turns = await stt.transcribe(flac);
    assert.equal(turns[0].participantId, 'mixed');
    assert.deepEqual(JSON.parse((fake.requests[0].body as { fields: { definition: string } }).fields.definition), {
      locales: ['en-US'],
    });
  });

  test('rejects corrupt audio before uploading it', async () => {
    const stt = new AzureSpeechToText({ endpoint: fake.url, credential, ca: fake.ca });
    await assert.rejects(
      stt.transcribe(Buffer.from('definitely not a wav file, but long enough to have a header')),
      (e: unknown) => isDeadLetterError(e) && e.reason === 'corrupt_audio',
    );
    assert.equal(fake.requests.length, 0);
  });
});

describe('offline speech-to-text with pocketsphinx from npm', () => {
  /** `text` spoken by flite (the npm WASI build), as 16 kHz samples. */
  const spoken = async (text: string, voice: Voice = 'slt'): Promise<Int16Array> => {
    const samples = await synthesize(text, voice);
    assert.ok(samples, 'the offline synthesizer speaks');
    return samples;
  };
  const wav = (samples: Int16Array, rate = 16_000) => encodeWav(bytesOf(samples), rate, 1);
  const said = (turns: Turn[]) => turns.map((t) => t.text).join(' ');

  test('says clearly that local speech-to-text is unavailable, and how to fix it, when its packages are missing', async () => {
    const missing = { modelDir: null, command: 'pocketsphinx-not-installed-here' };
    await assert.rejects(
      new PocketsphinxSpeechToText(missing).transcribe(silentWav(1)),
      (e: unknown) => e instanceof UnsupportedError && e.message === LOCAL_STT_UNAVAILABLE,
    );
    assert.match(LOCAL_STT_UNAVAILABLE, /Run `npm install`/);
    assert.ok(!LOCAL_STT_UNAVAILABLE.includes('\n'));
    assert.deepEqual(await localSpeechToTextStatus(missing), { available: false, reason: LOCAL_STT_UNAVAILABLE });
    assert.deepEqual(await localSpeechToTextStatus(), { available: true });
  });

  test('transcribes a synthetic WAV of a few sentences into text with the key words', async () => {
    const text = 'My internet has been down since yesterday. Please send a technician to fix the router.';
    const turns = await new PocketsphinxSpeechToText().transcribe(wav(await spoken(text)));
    // Recognition of synthetic speech is good, not perfect (docs/local-ai.md: about 10% word errors).
    const keyWords = ['internet', 'down', 'yesterday', 'technician', 'router'];
    const heard = keyWords.filter((word) => new RegExp(`\\b${word}\\b`).test(said(turns)));
    assert.ok(heard.length >= 4, `heard ${heard.join(', ')} in "${said(turns)}"`);
    assert.ok(turns.every((t) => t.participantId === 'mixed' && t.confidence !== undefined && t.offsetMs >= 0));
  });

  test('times each utterance from the start of the recording', async () => {
    const pause = new Int16Array(16_000 * 2);
    const first = await spoken('I need help with my order.');
    const parts = [first, pause, await spoken('The parcel never arrived.')];
    const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    const turns = await new PocketsphinxSpeechToText().transcribe(wav(all));
    const later = turns.find((t) => /parcel|arrived/.test(t.text));
    assert.ok(later, `heard "${said(turns)}"`);
    // The second sentence starts after the first sentence and the two seconds of silence.
    assert.ok(later.offsetMs >= ((first.length + pause.length) / 16) * 0.9, JSON.stringify(turns));
  });

  test('gives each channel of a stereo recording its own turn stream', async () => {
    const [a, b] = [
      await spoken('I was charged twice for my bill.', 'slt'),
      await spoken('I will send a refund tomorrow morning.', 'rms'),
    ];
    const frames = Math.max(a.length, b.length);
    const stereo = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) [stereo[2 * i], stereo[2 * i + 1]] = [a[i] ?? 0, b[i] ?? 0];
    const turns = await new PocketsphinxSpeechToText().transcribe(encodeWav(bytesOf(stereo), 16_000, 2), {
      channelRoles: ['customer', 'agent'],
    });
    const byChannel = (id: string) => said(turns.filter((t) => t.participantId === id));
    assert.match(byChannel('channel-0'), /charged/);
    assert.match(byChannel('channel-1'), /refund|tomorrow/);
    assert.ok(turns.filter((t) => t.participantId === 'channel-1').every((t) => t.role === 'agent'));
  });

  // Narrow-band (8 kHz) telephone audio is resampled the same way, but the 16 kHz acoustic model recognises it
  // poorly (docs/local-ai.md, pitfall 5), so resampling is tested with 44.1 kHz audio, in 24-bit samples.
  test('resamples 44.1 kHz 24-bit audio to 16 kHz before recognising it', async () => {
    const cd = resample(await spoken('I would like to cancel my subscription today.'), 16_000, 44_100);
    const data = Buffer.alloc(cd.length * 3);
    cd.forEach((sample, i) => data.writeIntLE(sample * 256, i * 3, 3));
    const header = encodeWav(Buffer.alloc(0), 44_100, 1);
    header.writeUInt32LE(44_100 * 3, 28);
    header.writeUInt16LE(3, 32);
    header.writeUInt16LE(24, 34);
    header.writeUInt32LE(data.length, 40);
    const turns = await new PocketsphinxSpeechToText().transcribe(Buffer.concat([header, data]));
    assert.match(said(turns), /cancel my subscription/);
  });

  test('says FLAC needs sox, and how to install it, when sox is missing', async () => {
    const flac = Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(64)]);
    await assert.rejects(
      new PocketsphinxSpeechToText({ soxCommand: 'sox-not-installed-here' }).transcribe(flac),
      (e: unknown) => e instanceof UnsupportedError && /FLAC audio needs sox.*apt-get install sox/.test(e.message),
    );
  });

  // sox is optional (only other containers than WAV need it): this runs where it is installed, CI included.
  const sox = missingCommands(['sox']).length ? 'sox (optional, for FLAC, OGG, MP3 and MP4) is not installed' : false;
  test('converts FLAC recordings with sox before recognising them', { skip: sox }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-stt-test-'));
    try {
      const [source, flac] = ['flac-source.wav', 'call.flac'].map((f) => join(dir, f));
      writeFileSync(source, wav(await spoken('I would like to cancel my subscription today.')));
      execFileSync('sox', [source, flac]);
      const turns = await new PocketsphinxSpeechToText().transcribe(readFileSync(flac));
      assert.match(said(turns), /cancel my subscription/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
