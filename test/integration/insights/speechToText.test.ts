import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { UnsupportedError } from '@switchboard/core/errors';
import { AzureSpeechToText } from '@switchboard/app/insights/azureSpeechToText';
import { DeadLetterError } from '@switchboard/core/deadLetterError';
import {
  LOCAL_STT_UNAVAILABLE,
  PocketsphinxSpeechToText,
  localSpeechToTextStatus,
} from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { startFakeLanguageService, type FakeLanguageService } from '@switchboard/ai-fakes/fakeLanguageService';
import { silentWav } from '../../unit/insights/silentWav';
import { SPEECH_PACKAGES, systemPackages } from '../../support/systemPackages';

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
      (e: unknown) => e instanceof DeadLetterError && e.reason === 'corrupt_audio',
    );
    assert.equal(fake.requests.length, 0);
  });
});

describe('offline speech-to-text with pocketsphinx', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-stt-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('says clearly that local speech-to-text is unavailable, and how to install it, when pocketsphinx is missing', async () => {
    const stt = new PocketsphinxSpeechToText({ command: 'pocketsphinx-not-installed-here' });
    await assert.rejects(
      stt.transcribe(silentWav(1)),
      (e: unknown) => e instanceof UnsupportedError && e.message === LOCAL_STT_UNAVAILABLE,
    );
    assert.match(LOCAL_STT_UNAVAILABLE, /apt-get install pocketsphinx pocketsphinx-en-us/);
    assert.deepEqual(await localSpeechToTextStatus({ command: 'pocketsphinx-not-installed-here' }), {
      available: false,
      reason: LOCAL_STT_UNAVAILABLE,
    });
  });

  const { skip } = systemPackages(SPEECH_PACKAGES);

  test('transcribes a synthetic WAV of a few sentences into text with the key words', { skip }, async () => {
    const wav = join(dir, 'call.wav');
    execFileSync('flite', [
      '-voice',
      'slt',
      '-t',
      'My internet has been down since yesterday. Please send a technician to fix the router.',
      '-o',
      wav,
    ]);
    const turns = await new PocketsphinxSpeechToText().transcribe(wav);
    const text = turns.map((t) => t.text).join(' ');
    // Recognition of synthetic speech is good, not perfect (docs/local-ai.md: about 10% word errors).
    const keyWords = ['internet', 'down', 'yesterday', 'technician', 'router'];
    const heard = keyWords.filter((word) => new RegExp(`\\b${word}\\b`).test(text));
    assert.ok(heard.length >= 4, `heard ${heard.join(', ')} in "${text}"`);
    assert.ok(turns.every((t) => t.participantId === 'mixed' && t.confidence !== undefined && t.offsetMs >= 0));
  });

  test('gives each channel of a stereo recording its own turn stream', { skip }, async () => {
    const [a, b, stereo] = ['a.wav', 'b.wav', 'stereo.wav'].map((f) => join(dir, f));
    execFileSync('flite', ['-voice', 'slt', '-t', 'I was charged twice for my bill.', '-o', a]);
    execFileSync('flite', ['-voice', 'rms', '-t', 'I will send a refund tomorrow morning.', '-o', b]);
    execFileSync('sox', ['-M', a, b, stereo]);
    const turns = await new PocketsphinxSpeechToText().transcribe(readFileSync(stereo), {
      channelRoles: ['customer', 'agent'],
    });
    const byChannel = (id: string) =>
      turns
        .filter((t) => t.participantId === id)
        .map((t) => t.text)
        .join(' ');
    assert.match(byChannel('channel-0'), /charged/);
    assert.match(byChannel('channel-1'), /refund|tomorrow/);
    assert.ok(turns.filter((t) => t.participantId === 'channel-1').every((t) => t.role === 'agent'));
  });

  // Narrow-band (8 kHz) telephone audio goes through the same conversion, but the 16 kHz acoustic model
  // recognises it poorly (docs/local-ai.md, pitfall 5), so the conversion is tested with 44.1 kHz audio.
  test('resamples 44.1 kHz audio to 16 kHz before recognising it', { skip }, async () => {
    const [source, resampled] = ['source.wav', 'cd-quality.wav'].map((f) => join(dir, f));
    execFileSync('flite', ['-voice', 'slt', '-t', 'I would like to cancel my subscription today.', '-o', source]);
    execFileSync('sox', [source, '-r', '44100', '-b', '24', resampled]);
    const turns = await new PocketsphinxSpeechToText().transcribe(resampled);
    assert.match(turns.map((t) => t.text).join(' '), /cancel my subscription/);
  });

  test('converts FLAC recordings with sox before recognising them', { skip }, async () => {
    const [source, flac] = ['flac-source.wav', 'call.flac'].map((f) => join(dir, f));
    execFileSync('flite', ['-voice', 'slt', '-t', 'I would like to cancel my subscription today.', '-o', source]);
    execFileSync('sox', [source, flac]);
    const turns = await new PocketsphinxSpeechToText().transcribe(readFileSync(flac));
    assert.match(turns.map((t) => t.text).join(' '), /cancel my subscription/);
  });
});
