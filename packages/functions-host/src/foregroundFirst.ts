// The local host is one process doing what Azure spreads over instances and Durable's dispatchers. Under a
// burst, first come first served would make a ringing call (answered within 30 s or lost) wait behind the
// prompts and menus of calls already answered. So while a trigger somebody is waiting on runs (an Event
// Grid delivery), background work (Durable's episodes and activities, and HTTP triggers such as the callbacks of
// calls already answered) waits, but never more than two seconds: then it starts in the order it came, so nothing
// starves, and with no such trigger running it is unlimited. (Letting two run meanwhile, as this host first did,
// measured a 200-call burst's answer p99 1.7-1.9 s; holding them, 1.0-1.9 s, and callbacks' turns were no slower.)

/** How the host orders its work; the Durable engine asks it before background work. */
export interface WorkPriority {
  runForeground<T>(work: () => Promise<T>): Promise<T>;
  runBackground<T>(work: () => Promise<T>): Promise<T>;
  /** Whether background work would start at once (else it would wait for the foreground). */
  backgroundFree(): boolean;
}

export class ForegroundFirst implements WorkPriority {
  private foreground = 0;
  private background = 0;
  private readonly waiting: { start: () => void; since: number }[] = [];
  private ageing?: ReturnType<typeof setInterval>;

  /**
   * @param whileBusy background work allowed to run at once while foreground work is running
   * @param maxWaitMs how long background work waits at most: a callback held longer than ACS waits for its answer
   *   would be lost, so under a long burst the oldest start anyway, in the order they came
   */
  constructor(
    private readonly whileBusy = 0,
    private readonly maxWaitMs = 2_000,
  ) {}

  /** Runs foreground work: background work yields to it. */
  async runForeground<T>(work: () => Promise<T>): Promise<T> {
    this.foreground++;
    try {
      return await work();
    } finally {
      this.foreground--;
      this.admit();
    }
  }

  /** Runs background work once it may start. */
  async runBackground<T>(work: () => Promise<T>): Promise<T> {
    if (this.mayStart()) this.background++;
    else await this.queue();
    try {
      return await work();
    } finally {
      this.background--;
      this.admit();
    }
  }

  backgroundFree(): boolean {
    return this.waiting.length === 0 && this.mayStart();
  }

  private mayStart(): boolean {
    return this.foreground === 0 || this.background < this.whileBusy;
  }

  private queue(): Promise<void> {
    this.ageing ??= setInterval(() => this.admit(), Math.max(1, this.maxWaitMs / 4)).unref();
    return new Promise<void>((start) => this.waiting.push({ start, since: Date.now() }));
  }

  private admit(): void {
    const overdue = Date.now() - this.maxWaitMs;
    while (this.waiting.length > 0 && (this.mayStart() || this.waiting[0].since <= overdue)) {
      this.background++;
      this.waiting.shift()!.start();
    }
    if (this.waiting.length === 0 && this.ageing) {
      clearInterval(this.ageing);
      this.ageing = undefined;
    }
  }
}

/** For hosts and tests that need no priority: background work runs at once. */
export const noPriority: WorkPriority = {
  runForeground: (work) => work(),
  runBackground: (work) => work(),
  backgroundFree: () => true,
};
