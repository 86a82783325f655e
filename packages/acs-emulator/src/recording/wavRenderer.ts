// Renders a call's recording as real 16 kHz PCM16: silence for gaps, a soft tone while prompts play, true
// DTMF dual tones for keys the caller pressed, and a low buzz while the caller speaks; mixed (one channel) or
// unmixed (a channel per participant, in the order each was first heard, as ACS assigns them by default).
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
  const samples = renderSamples(durationMs, sounds, speech);
  return encodeWav(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength), SAMPLE_RATE, 1);
}

/** One channel per participant (`speakerOf` names who made each sound), first heard first; interleaved WAV. */
export function renderUnmixedWav(
  durationMs: number,
  sounds: PlacedSound[],
  speech: Map<AudioEvent, Int16Array>,
  speakerOf: (event: AudioEvent) => string,
): { wav: Buffer; channels: string[] } {
  const channels = [...new Set(sounds.map((s) => speakerOf(s.event)))];
  if (!channels.length) channels.push('');
  const tracks = channels.map((who) =>
    renderSamples(
      durationMs,
      sounds.filter((s) => speakerOf(s.event) === who),
      speech,
    ),
  );
  const frames = tracks[0].length;
  const interleaved = new Int16Array(frames * tracks.length);
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < tracks.length; c++) interleaved[i * tracks.length + c] = tracks[c][i];
  const data = Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength);
  return { wav: encodeWav(data, SAMPLE_RATE, tracks.length), channels };
}

/** The mono samples of the sounds placed over `durationMs`. */
export function renderSamples(
  durationMs: number,
  sounds: PlacedSound[],
  speech: Map<AudioEvent, Int16Array> = new Map(),
): Int16Array {
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
  return samples;
}
