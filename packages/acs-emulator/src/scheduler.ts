// Timers of the simulated world (rings, prompts, recognize timeouts), scaled by `timeScale` and all cancelled
// on close, so a closed emulator leaves nothing pending and a failing callback never escapes a timer.

export interface TimerHandle {
  cancel(): void;
}

export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly timeScale: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Simulated duration in ms -> real ms. */
  scale(ms: number): number {
    return Math.max(0, Math.round(ms * this.timeScale));
  }

  /** Runs `fn` after `ms` of simulated time. */
  after(ms: number, fn: () => void | Promise<void>): TimerHandle {
    return this.afterReal(this.scale(ms), fn);
  }

  /** Runs `fn` after `ms` of real time (delivery timeouts, retry backoff in tests). */
  afterReal(ms: number, fn: () => void | Promise<void>): TimerHandle {
    if (this.closed) return { cancel: () => undefined };
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        Promise.resolve(fn()).catch(this.onError);
      } catch (err) {
        this.onError(err);
      }
    }, ms);
    this.timers.add(timer);
    return {
      cancel: () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      },
    };
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
