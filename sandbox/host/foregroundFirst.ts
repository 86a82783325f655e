// The local host is one process doing what Azure spreads over instances and Durable's dispatchers. Under a
// burst, first come first served would make a ringing call (answered within 30 s or lost) wait behind the
// prompts and menus of calls already answered. So while a trigger somebody is waiting on runs (an Event
// Grid delivery), background work (Durable's episodes and activities, and HTTP triggers such as the callbacks of
// calls already answered) starts only a few at a time; it never stops, so nothing starves, and with no such
// trigger running it is unlimited.

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
  private readonly waiting: (() => void)[] = [];

  /** @param whileBusy background work allowed to run at once while foreground work is running */
  constructor(private readonly whileBusy = 2) {}

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
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
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

  private admit(): void {
    while (this.waiting.length > 0 && this.mayStart()) {
      this.background++;
      this.waiting.shift()!();
    }
  }
}

/** For hosts and tests that need no priority: background work runs at once. */
export const noPriority: WorkPriority = {
  runForeground: (work) => work(),
  runBackground: (work) => work(),
  backgroundFree: () => true,
};
