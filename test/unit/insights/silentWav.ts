import { encodeWav } from '@switchboard/audio/pcm';
/** A PCM WAV of silence. */
export function silentWav(seconds: number, sampleRate = 16000, channels = 1): Buffer {
  return encodeWav(Buffer.alloc(Math.round(seconds * sampleRate) * channels * 2), sampleRate, channels);
}
