// One 20 ms clock for every call on the bridge: a single drift-corrected timer ticks all pacers, so the
// cost of pacing does not grow with a timer per stream. A late event loop is caught up tick by tick.

export const FRAME_MS = 20;

export interface Paced {
  tick(): void;
}

export class FrameClock {
  private readonly members = new Set<Paced>();
  private timer: NodeJS.Timeout | undefined;
  private start = 0;
  private ticks = 0;
  /** Ticks that ran more than one frame after they were due (the event loop was late). */
  lateTicks = 0;
  /** Ticks run since the clock last started. */
  totalTicks = 0;
  /** Observes each tick: how late it began (ms after it was due) and how long its frames took (benchmarks). */
  onTick: ((lateMs: number, tookMs: number) => void) | undefined;

  add(member: Paced): void {
    this.members.add(member);
    if (!this.timer) {
      this.start = performance.now();
      this.ticks = 0;
      this.schedule();
    }
  }

  remove(member: Paced): void {
    this.members.delete(member);
    if (this.members.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    this.members.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = Math.max(0, this.start + (this.ticks + 1) * FRAME_MS - performance.now());
    this.timer = setTimeout(this.run, wait);
  }

  private readonly run = (): void => {
    const now = performance.now();
    const due = Math.floor((now - this.start) / FRAME_MS);
    while (this.ticks < due) {
      this.ticks += 1;
      this.totalTicks += 1;
      const dueAt = this.start + this.ticks * FRAME_MS;
      if (now - dueAt > FRAME_MS) this.lateTicks += 1;
      const began = this.onTick ? performance.now() : 0;
      for (const member of this.members) member.tick();
      if (this.onTick) {
        const end = performance.now();
        this.onTick(began - dueAt, end - began);
      }
    }
    if (this.members.size) this.schedule();
    else this.timer = undefined;
  };
}
