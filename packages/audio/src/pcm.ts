// PCM16 helpers shared by the emulator, the media bridge and the insights pipeline.

/** Linear-interpolation resampling between telephone rates (16 and 24 kHz). Nearest-sample resampling is
 * cheaper but aliases badly enough on a 16 -> 24 -> 16 kHz round trip that a recogniser hears nonsense. */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return samples;
  const out = new Int16Array(Math.floor((samples.length * to) / from));
  const last = samples.length - 1;
  for (let i = 0; i < out.length; i++) {
    const at = (i * from) / to;
    const k = Math.floor(at);
    const frac = at - k;
    const a = samples[Math.min(last, k)];
    const b = samples[Math.min(last, k + 1)];
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

/** The samples of PCM16LE bytes (an odd trailing byte is dropped), copied so they are aligned. */
export function samplesOf(pcm: Buffer): Int16Array {
  const even = pcm.length - (pcm.length % 2);
  const out = new Int16Array(even / 2);
  Buffer.from(out.buffer).set(pcm.subarray(0, even));
  return out;
}

/** The bytes of PCM16 samples (a view, no copy). */
export function bytesOf(samples: Int16Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** PCM16LE samples in a RIFF/WAVE container (the 44-byte canonical header). */
export function encodeWav(data: Buffer, sampleRate: number, channels: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
