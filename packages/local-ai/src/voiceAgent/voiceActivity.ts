// Energy-based voice activity detection on 20 ms frames: speech starts after a few loud frames in a row
// and ends after half a second of quiet. Enough for synthetic and telephone speech; the cloud models use
// their own server VAD.

export interface VoiceActivityOptions {
  /** RMS level (PCM16) above which a frame counts as speech. */
  threshold?: number;
  /** Loud frames in a row before speech starts. */
  startFrames?: number;
  /** Quiet frames in a row before speech ends. */
  endFrames?: number;
}

export type VadEvent = { kind: 'start' } | { kind: 'end'; utterance: Int16Array };

export class VoiceActivity {
  private readonly threshold: number;
  private readonly startFrames: number;
  private readonly endFrames: number;
  private loud = 0;
  private quiet = 0;
  private speaking = false;
  private frames: Int16Array[] = [];
  /** Recent frames kept so an utterance includes its onset. */
  private lead: Int16Array[] = [];

  constructor(options: VoiceActivityOptions = {}) {
    this.threshold = options.threshold ?? 500;
    this.startFrames = options.startFrames ?? 3;
    this.endFrames = options.endFrames ?? 25;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds one frame; says when speech started or an utterance ended. */
  push(frame: Int16Array): VadEvent | undefined {
    let sum = 0;
    for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
    const isLoud = Math.sqrt(sum / Math.max(1, frame.length)) > this.threshold;
    if (!this.speaking) {
      this.lead.push(frame);
      if (this.lead.length > this.startFrames + 5) this.lead.shift();
      this.loud = isLoud ? this.loud + 1 : 0;
      if (this.loud >= this.startFrames) {
        this.speaking = true;
        this.quiet = 0;
        this.frames = [...this.lead];
        this.lead = [];
        return { kind: 'start' };
      }
      return undefined;
    }
    this.frames.push(frame);
    this.quiet = isLoud ? 0 : this.quiet + 1;
    if (this.quiet < this.endFrames) return undefined;
    this.speaking = false;
    this.loud = 0;
    const length = this.frames.reduce((n, f) => n + f.length, 0);
    const utterance = new Int16Array(length);
    let at = 0;
    for (const f of this.frames) {
      utterance.set(f, at);
      at += f.length;
    }
    this.frames = [];
    return { kind: 'end', utterance };
  }
}
