import { audioDataFrame } from './acsMediaFrames';
import type { Paced } from './frameClock';

// Plays the model's audio to ACS at real time: bursts of deltas queue here and leave as one 20 ms frame per
// clock tick, after a small jitter buffer. It knows how much of each reply was actually played, which is
// what a barge-in truncates the model's reply to.

interface Chunk {
  pcm: Buffer;
  itemId: string;
}

export class FramePacer implements Paced {
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private started = false;
  /** Items whose audio is complete: their last partial frame is padded and sent. */
  private readonly done = new Set<string>();
  private playedItem: string | undefined;
  private playedBytes = 0;
  /** Frames sent and ticks that found audio queued but not enough for a frame (underruns). */
  framesSent = 0;
  underruns = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly send: (frame: Buffer) => void,
    private readonly prebufferFrames = 2,
    private readonly onDrained: () => void = () => undefined,
  ) {}

  get bytesPerMs(): number {
    return this.frameBytes / 20;
  }

  /** Whether agent audio is queued or playing. */
  get playing(): boolean {
    return this.queuedBytes > 0;
  }

  enqueue(pcm: Buffer, itemId: string): void {
    if (pcm.length === 0) return;
    this.queue.push({ pcm, itemId });
    this.queuedBytes += pcm.length;
  }

  /** The model has sent all of an item's audio. */
  finish(itemId: string): void {
    this.done.add(itemId);
  }

  /** Drops everything not yet played; says which item was playing and how much of it was heard. */
  clear(): { itemId: string; playedMs: number } | undefined {
    const playing = this.playedItem ?? this.queue[0]?.itemId;
    const played = playing ? { itemId: playing, playedMs: Math.round(this.playedBytes / this.bytesPerMs) } : undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.started = false;
    this.playedItem = undefined;
    this.playedBytes = 0;
    this.done.clear();
    return played;
  }

  tick(): void {
    if (this.queuedBytes === 0) return;
    const head = this.queue[0];
    const flush = this.done.has(head.itemId) && this.itemBytes(head.itemId) < this.frameBytes;
    if (!this.started) {
      if (this.queuedBytes < this.frameBytes * this.prebufferFrames && !flush) return;
      this.started = true;
    }
    if (this.queuedBytes < this.frameBytes && !flush) {
      this.underruns += 1;
      return;
    }
    const itemId = head.itemId;
    let frame: Buffer;
    let filled = 0;
    if (head.pcm.length >= this.frameBytes) {
      // The usual case (model deltas are many frames long): the frame is a view of the chunk, not a copy.
      frame = head.pcm.subarray(0, this.frameBytes);
      filled = this.frameBytes;
      if (head.pcm.length === this.frameBytes) this.queue.shift();
      else head.pcm = head.pcm.subarray(this.frameBytes);
    } else {
      frame = Buffer.alloc(this.frameBytes);
      while (filled < this.frameBytes && this.queue.length && this.queue[0].itemId === itemId) {
        const chunk = this.queue[0];
        const n = Math.min(this.frameBytes - filled, chunk.pcm.length);
        chunk.pcm.copy(frame, filled, 0, n);
        filled += n;
        if (n === chunk.pcm.length) this.queue.shift();
        else chunk.pcm = chunk.pcm.subarray(n);
      }
    }
    this.queuedBytes -= filled;
    if (this.playedItem !== itemId) {
      this.playedItem = itemId;
      this.playedBytes = 0;
    }
    this.playedBytes += filled;
    this.framesSent += 1;
    this.send(audioDataFrame(frame));
    if (this.queuedBytes === 0) {
      this.started = false;
      this.done.delete(itemId);
      this.onDrained();
    }
  }

  private itemBytes(itemId: string): number {
    let bytes = 0;
    for (const chunk of this.queue) if (chunk.itemId === itemId) bytes += chunk.pcm.length;
    return bytes;
  }
}
