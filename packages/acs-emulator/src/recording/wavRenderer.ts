// Renders a call's recording as a real 16 kHz mono PCM WAV: silence for gaps, a soft tone while prompts
// play, true DTMF dual tones for keys the caller pressed, and a low buzz while the caller speaks.
import { encodeWav } from '@switchboard/audio/pcm';
import { DTMF_FREQUENCIES } from '../media/dtmf';
import type { AudioEvent } from '../callAutomation/call';

export const SAMPLE_RATE = 16_000;
const MAX_MS = 10 * 60 * 1000;

/** One placed sound: start and length in simulated ms from the start of the recording. */
export interface PlacedSound {
  event: AudioEvent;
  offsetMs: number;
}

/** `speech` holds synthesized voices for prompts and caller phrases (by event); tones stand in for the rest. */
export function renderWav(
  durationMs: number,
  sounds: PlacedSound[],
  speech: Map<AudioEvent, Int16Array> = new Map(),
): Buffer {
  const total = Math.max(1, Math.round((Math.min(durationMs, MAX_MS) * SAMPLE_RATE) / 1000));
  const samples = new Int16Array(total);
  const write = (startMs: number, lengthMs: number, sample: (t: number) => number): void => {
    const from = Math.max(0, Math.round((startMs * SAMPLE_RATE) / 1000));
    const to = Math.min(total, from + Math.round((lengthMs * SAMPLE_RATE) / 1000));
    for (let i = from; i < to; i++) {
      const value = samples[i] + sample((i - from) / SAMPLE_RATE) * 32767;
      samples[i] = Math.max(-32768, Math.min(32767, Math.round(value)));
    }
  };
  for (const { event, offsetMs } of sounds) {
    const voice = speech.get(event);
    if (voice) {
      const from = Math.round((offsetMs * SAMPLE_RATE) / 1000);
      for (let i = 0; i < voice.length && from + i < total; i++) {
        samples[from + i] = Math.max(-32768, Math.min(32767, samples[from + i] + voice[i]));
      }
    } else if (event.kind === 'prompt') {
      write(offsetMs, event.durationMs, (t) => 0.15 * Math.sin(2 * Math.PI * 440 * t));
    } else if (event.kind === 'speech') {
      write(offsetMs, event.durationMs, (t) => 0.1 * (((t * 180) % 1) * 2 - 1));
    } else {
      (event.tones ?? []).forEach((tone, i) => {
        const [low, high] = DTMF_FREQUENCIES[tone] ?? [0, 0];
        write(
          offsetMs + i * 150,
          100,
          (t) => 0.2 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)),
        );
      });
    }
  }
  return encodeWav(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength), SAMPLE_RATE, 1);
}
