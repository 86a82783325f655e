import { bytesOf, resample } from '@switchboard/audio/pcm';
import { SAMPLE_RATE, synthesize } from '@switchboard/audio/speechSynthesizer';

export const APOLOGY_TEXT = "Sorry, I'm having trouble right now. Let me get someone to help you.";

/** The apology, rendered once at start-up (PCM16 24 kHz), so it plays at once when a model fails. A soft
 * tone stands in when no synthesizer is installed, so the caller never hears dead air. */
export async function renderApology(): Promise<Buffer> {
  const voice = await synthesize(APOLOGY_TEXT, 'slt');
  if (voice) return bytesOf(resample(voice, SAMPLE_RATE, 24_000));
  const tone = new Int16Array(24_000);
  for (let i = 0; i < tone.length; i++) tone[i] = Math.round(3_000 * Math.sin((2 * Math.PI * 440 * i) / 24_000));
  return bytesOf(tone);
}
