// Counts the engine's work in flight (episodes, activities, deliveries) so that a caller can wait until
// nothing is left but durable timers and messages nobody has sent yet: tests drive a virtual clock this way.

export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Runs `work` as in-flight work; errors are the caller's to handle. */
  track<T>(work: Promise<T>): Promise<T> {
    this.count++;
    return work.finally(() => {
      this.count--;
      if (this.count === 0) setImmediate(() => this.wake());
    });
  }

  /** Resolves once no work has been in flight for a turn of the event loop. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setImmediate(() => this.wake());
    });
  }

  private wake(): void {
    if (this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
