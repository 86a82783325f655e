import { bytesOf, samplesOf } from '@switchboard/audio/pcm';
import { FRAME_MS, type Paced } from './frameClock';

// An unmixed media stream (audioChannelType: unmixed) carries each speaker's audio (up to four) as frames of
// their own, tagged with participantRawID. The model has one input channel: the frames of one 20 ms slot are
// mixed into one frame, never passed on one after the other (the model would hear the speakers interleaved,
// at twice the speed). A slot is complete once every speaker of the last slot has sent its frame, or when a
// speaker sends its next frame (someone stopped sending: they are forgotten until they send again); a slot
// held for two frame times (the stream paused) goes at the clock tick. Who speaks is learnt from the first
// slot, which waits for a speaker's second frame. A speaker who joins later is mixed one slot late (20 ms).
// A slot with one voice in it (the usual case: the caller alone) passes through as it came, undecoded.

interface Part {
  base64: string;
  silent: boolean;
}

export class ParticipantMix implements Paced {
  private slot = new Map<string, Part>();
  private speakers = new Set<string>();
  private heldSince = 0;
  /** Whether a slot has gone: until then the speakers are not known. */
  private learnt = false;

  constructor(
    private readonly send: (base64: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(speaker: string, base64: string, silent: boolean): void {
    if (this.slot.has(speaker)) this.flush();
    if (this.slot.size === 0) this.heldSince = this.now();
    this.slot.set(speaker, { base64, silent });
    this.speakers.add(speaker);
    if (this.learnt && this.slot.size >= this.speakers.size) this.flush();
  }

  tick(): void {
    if (this.slot.size && this.now() - this.heldSince >= 2 * FRAME_MS) this.flush();
  }

  /** Drops what is held (the call is over). */
  clear(): void {
    this.slot.clear();
  }

  private flush(): void {
    const parts = [...this.slot.values()];
    // The speakers of this slot are those expected in the next: one who stopped sending no longer holds it up.
    this.speakers = new Set(this.slot.keys());
    this.slot = new Map();
    this.learnt = true;
    const voices = parts.filter((p) => !p.silent);
    if (voices.length <= 1) this.send((voices[0] ?? parts[0]).base64);
    else this.send(mix(voices.map((p) => samplesOf(Buffer.from(p.base64, 'base64')))).toString('base64'));
  }
}

function mix(voices: Int16Array[]): Buffer {
  const out = new Int16Array(Math.max(...voices.map((v) => v.length)));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const v of voices) sum += v[i] ?? 0;
    out[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
  }
  return bytesOf(out);
}
