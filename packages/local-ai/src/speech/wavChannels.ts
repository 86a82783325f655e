import { resample } from '@switchboard/audio/pcm';
import { UnsupportedError } from '@switchboard/core/errors';
import type { WavInfo } from '@switchboard/audio/wav';

// A WAV recording's channels as 16 kHz PCM16, what the offline recogniser reads, decoded here rather than by
// an external converter: integer PCM of 8 to 32 bits and 32-bit float, any rate, any number of channels.

const RATE = 16_000;

function sampleReader(wav: Buffer, info: WavInfo, sourceName: string): (at: number) => number {
  const { audioFormat: format, bitsPerSample: bits } = info;
  if (format === 3 && bits === 32) return (at) => Math.max(-1, Math.min(1, wav.readFloatLE(at))) * 32767;
  // WAVE_FORMAT_EXTENSIBLE (0xFFFE) is read as integer PCM: its sub-format is not looked at.
  if (format === 1 || format === 0xfffe) {
    if (bits === 8) return (at) => (wav[at] - 128) << 8;
    if (bits === 16) return (at) => wav.readInt16LE(at);
    if (bits === 24) return (at) => wav.readIntLE(at, 3) >> 8;
    if (bits === 32) return (at) => wav.readInt32LE(at) >> 16;
  }
  throw new UnsupportedError(
    `${sourceName}: local speech-to-text reads PCM WAV (8 to 32-bit integer or 32-bit float), not format ${format} with ${bits}-bit samples.`,
  );
}

/** Each channel of `wav` (or, with `mix`, all channels averaged into one) as 16 kHz samples. */
export function wavChannels16k(
  wav: Buffer,
  info: WavInfo,
  options: { mix: boolean; sourceName: string },
): Int16Array[] {
  const read = sampleReader(wav, info, options.sourceName);
  const width = info.bitsPerSample / 8;
  const frameBytes = width * info.channels;
  const frames = Math.floor(Math.min(info.dataBytes, wav.length - info.dataOffset) / frameBytes);
  const outputs = options.mix ? 1 : info.channels;
  const channels = Array.from({ length: outputs }, () => new Int16Array(frames));
  for (let i = 0; i < frames; i++) {
    const frame = info.dataOffset + i * frameBytes;
    if (options.mix) {
      let sum = 0;
      for (let c = 0; c < info.channels; c++) sum += read(frame + c * width);
      channels[0][i] = Math.round(sum / info.channels);
    } else {
      for (let c = 0; c < info.channels; c++) channels[c][i] = read(frame + c * width);
    }
  }
  return channels.map((samples) => resample(samples, info.sampleRate, RATE));
}
