import type { Paced } from './frameClock';

// The caller's audio goes to the model in appends of a few frames rather than one per 20 ms ACS frame: each
// append costs the model SDK two serialisations, a tracing span and a socket write, so joining five frames
// (100 ms) takes most of that cost away. The model's voice activity detection hears the audio at most one
// append later; barge-in itself (speech started -> StopAudio) does not wait on appends.
// Frames are joined as base64 text: 20 ms at 24 kHz is 960 bytes, 1280 characters with no padding, so the
// joined text is the base64 of the joined audio. A chunk with padding can only end an append. Audio held
// for twice an append's length (the stream paused or ended) goes at the next clock tick.
// A call's first append may be shorter (`firstAppendMs`): calls given different first lengths send their
// appends in different ticks, so a bridge with hundreds of calls sends a fifth of their appends each 20 ms
// rather than all of them in one burst every 100 ms (bursts that made clock ticks and appends late).

export class CallerAudio implements Paced {
  private readonly appendChars: number;
  private readonly holdMs: number;
  private parts: string[] = [];
  private chars = 0;
  private heldSince = 0;
  /** The length of the append being filled. */
  private fillChars: number;

  /** `appendMs` of PCM16 at 24 kHz per append (the first `firstAppendMs`); each goes to `send` as base64. */
  constructor(
    appendMs: number,
    private readonly send: (base64: string) => void,
    private readonly now: () => number = () => performance.now(),
    firstAppendMs = appendMs,
  ) {
    this.appendChars = charsOf(appendMs);
    this.fillChars = charsOf(Math.min(firstAppendMs, appendMs));
    this.holdMs = 2 * appendMs;
  }

  push(base64: string): void {
    if (this.chars === 0) this.heldSince = this.now();
    this.parts.push(base64);
    this.chars += base64.length;
    if (this.chars >= this.fillChars || base64.endsWith('=')) this.flush();
  }

  tick(): void {
    if (this.chars && this.now() - this.heldSince >= this.holdMs) this.flush();
  }

  /** Sends what is held. */
  flush(): void {
    if (this.chars === 0) return;
    const audio = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    this.fillChars = this.appendChars;
    this.send(audio);
  }

  /** Drops what is held (the call is over). */
  clear(): void {
    this.parts = [];
    this.chars = 0;
  }
}

/** Base64 characters of `ms` of PCM16 at 24 kHz. */
function charsOf(ms: number): number {
  return (((24_000 * 2 * ms) / 1000) * 4) / 3;
}
