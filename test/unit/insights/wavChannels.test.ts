import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeWav } from '@switchboard/audio/pcm';
import { UnsupportedError } from '@switchboard/core/errors';
import { readWavInfo } from '@switchboard/audio/wav';
import { wavChannels16k } from '@switchboard/local-ai/speech/wavChannels';

// The offline recogniser reads 16 kHz PCM16 per channel; recordings arrive in other shapes.

/** A WAV header for `data` in any sample format (encodeWav writes PCM16 only). */
function wavOf(data: Buffer, rate: number, channels: number, bits: number, format = 1): Buffer {
  const wav = encodeWav(data, rate, channels);
  wav.writeUInt16LE(format, 20);
  wav.writeUInt32LE((rate * channels * bits) / 8, 28);
  wav.writeUInt16LE((channels * bits) / 8, 32);
  wav.writeUInt16LE(bits, 34);
  return wav;
}
const decode = (wav: Buffer, mix = false) => wavChannels16k(wav, readWavInfo(wav), { mix, sourceName: 'test.wav' });

describe('decoding a WAV recording for the offline recogniser', () => {
  test('splits a 24-bit stereo recording into two 16-bit channels', () => {
    const data = Buffer.alloc(4 * 6);
    for (let i = 0; i < 4; i++) {
      data.writeIntLE(1000 * 256 * (i + 1), i * 6, 3);
      data.writeIntLE(-2000 * 256, i * 6 + 3, 3);
    }
    const [left, right] = decode(wavOf(data, 16_000, 2, 24));
    assert.deepEqual([...left], [1000, 2000, 3000, 4000]);
    assert.deepEqual([...right], [-2000, -2000, -2000, -2000]);
  });

  test('mixes the channels into one when asked, and reads 32-bit float samples', () => {
    const data = Buffer.alloc(2 * 8);
    data.writeFloatLE(0.5, 0);
    data.writeFloatLE(-0.5, 4);
    data.writeFloatLE(1, 8);
    data.writeFloatLE(1, 12);
    const [mixed, ...rest] = decode(wavOf(data, 16_000, 2, 32, 3), true);
    assert.equal(rest.length, 0);
    assert.deepEqual([...mixed], [0, 32767]);
  });

  test('resamples 8 kHz audio to 16 kHz', () => {
    const [samples] = decode(encodeWav(Buffer.alloc(8000 * 2), 8000, 1));
    assert.equal(samples.length, 16_000);
  });

  test('refuses A-law audio with a message naming the format, not a crash', () => {
    assert.throws(
      () => decode(wavOf(Buffer.alloc(16), 8000, 1, 8, 6)),
      (e: unknown) => e instanceof UnsupportedError && /test\.wav: .*not format 6 with 8-bit samples/.test(e.message),
    );
  });
});
