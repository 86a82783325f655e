// One recording of a call: its state, the real-time intervals it was active, and, once stopped, the
// rendered file served from the emulator's *.asm.skype.com host.
import { randomUUID } from 'node:crypto';
import type { Call } from '../callAutomation/call';
import { renderWav, type PlacedSound } from './wavRenderer';

export type RecordingState = 'active' | 'inactive';

export class Recording {
  readonly recordingId = Buffer.from(JSON.stringify({ platformEndpointId: randomUUID(), resourceSpecificId: randomUUID() })).toString('base64');
  readonly documentId = `0-eus-d${Math.floor(Math.random() * 20)}-${randomUUID().replace(/-/g, '')}`;
  readonly startedAt = new Date();
  state: RecordingState = 'inactive';
  stopped = false;
  file?: Buffer;
  deleted = false;
  /** Active intervals in real ms. */
  private readonly intervals: Array<{ from: number; to?: number }> = [];

  constructor(
    readonly call: Call,
    readonly options: { stateCallbackUri?: string; contentType: string; channelType: string; formatType: string },
    private readonly timeScale: number,
  ) {}

  activate(): void {
    if (this.state === 'active' || this.stopped) return;
    this.state = 'active';
    this.intervals.push({ from: Date.now() });
  }

  deactivate(): void {
    if (this.state === 'inactive') return;
    this.state = 'inactive';
    const open = this.intervals.at(-1);
    if (open && open.to === undefined) open.to = Date.now();
  }

  stop(): void {
    this.deactivate();
    this.stopped = true;
    this.file = this.render();
  }

  /** Simulated duration, i.e. how long the caller would have heard it. */
  get durationMs(): number {
    const real = this.intervals.reduce((sum, i) => sum + ((i.to ?? Date.now()) - i.from), 0);
    return Math.round(real / (this.timeScale || 1));
  }

  private render(): Buffer {
    const sounds: PlacedSound[] = [];
    let before = 0;
    for (const interval of this.intervals) {
      const to = interval.to ?? Date.now();
      for (const event of this.call.audioLog) {
        if (event.at >= interval.from && event.at <= to) sounds.push({ event, offsetMs: (before + event.at - interval.from) / (this.timeScale || 1) });
      }
      before += to - interval.from;
    }
    return renderWav(this.durationMs, sounds);
  }
}
