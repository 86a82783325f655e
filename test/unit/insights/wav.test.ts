import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDeadLetterError } from '@switchboard/core/deadLetterError';
import { parsePocketsphinxOutput } from '@switchboard/local-ai/speech/pocketsphinxSpeechToText';
import { conversationFromTranscription } from '@switchboard/core/audio/transcribe';
import { readWavInfo, sniffAudio } from '@switchboard/audio/wav';
import { silentWav } from './silentWav';

describe('WAV headers and recogniser output', () => {
  test('reads format, channels and duration from a WAV header', () => {
    const info = readWavInfo(silentWav(1.5, 8000, 2));
    assert.deepEqual(
      { ...info },
      {
        audioFormat: 1,
        channels: 2,
        sampleRate: 8000,
        bitsPerSample: 16,
        dataOffset: 44,
        dataBytes: 48000,
        durationMs: 1500,
      },
    );
  });

  test('calls audio without a RIFF header or data chunk corrupt, for the dead-letter container', () => {
    for (const bad of [
      Buffer.from('not audio at all, just some text that is long enough'),
      silentWav(0.1).subarray(0, 36),
    ]) {
      assert.throws(
        () => readWavInfo(bad, 'recordings/c1/0.wav'),
        (e: unknown) =>
          isDeadLetterError(e) && e.reason === 'corrupt_audio' && e.message.startsWith('recordings/c1/0.wav'),
      );
    }
  });

  test('recognises WAV, MP3, FLAC, OGG and MP4 containers, and nothing else', () => {
    assert.equal(sniffAudio(silentWav(0.1)), 'wav');
    assert.equal(sniffAudio(Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1')), 'mp3');
    assert.equal(sniffAudio(Buffer.from([0xff, 0xfb, 0x90, 0x64])), 'mp3');
    assert.equal(sniffAudio(Buffer.from('fLaC\u0000\u0000\u0000\u0022', 'latin1')), 'flac');
    assert.equal(sniffAudio(Buffer.from('OggS\u0000\u0002', 'latin1')), 'ogg');
    assert.equal(sniffAudio(Buffer.from('\u0000\u0000\u0000\u0020ftypM4A ', 'latin1')), 'mp4');
    assert.throws(
      () => sniffAudio(Buffer.from('{"not": "audio"}'), 'recordings/c/1.mp3'),
      (e: unknown) => isDeadLetterError(e) && e.reason === 'corrupt_audio',
    );
  });

  test('turns pocketsphinx word timings into utterances without fillers', () => {
    const out = [
      'hello my card is broken',
      '<s> 0.000 0.130 0.999200',
      'hello(2) 0.140 0.650 0.999400',
      '<sil> 0.660 0.830 0.98',
      'my 0.840 1.050 0.99',
      'broken 1.550 1.950 0.8',
      '</s> 1.960 2.0 1.0',
      'second utterance',
      'second 3.000 3.500 0.5',
      'utterance 3.500 4.000 0.7',
      '',
    ].join('\n');
    assert.deepEqual(parsePocketsphinxOutput(out), [
      { text: 'hello my card is broken', startMs: 140, endMs: 1950, confidence: 0.93 },
      { text: 'second utterance', startMs: 3000, endMs: 4000, confidence: 0.6 },
    ]);
  });

  test('wraps transcribed turns into a recording conversation', () => {
    const c = conversationFromTranscription({
      id: 'call-9',
      startedAt: '2025-03-14T15:09:26Z',
      turns: [
        { participantId: 'channel-0', role: 'customer', text: 'hello', offsetMs: 0 },
        { participantId: 'channel-1', role: 'agent', text: 'hi', offsetMs: 900 },
      ],
    });
    assert.equal(c.source, 'recording');
    assert.deepEqual(c.participants, [
      { id: 'channel-0', role: 'customer' },
      { id: 'channel-1', role: 'agent' },
    ]);
  });
});
