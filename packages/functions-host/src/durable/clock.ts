// Time for the Durable engine: episodes are stamped with now() and durable timers fire through
// schedule(). The host runs on the system clock; tests that drive an orchestration through the engine
// use a virtual clock they advance themselves, so a five-minute timer costs no wall-clock time.

export interface DurableClock {
  now(): Date;
  /** Calls `fire` once `at` has passed; returns a handle for cancel(). */
  schedule(at: Date, fire: () => void): unknown;
  cancel(handle: unknown): void;
}

/** setTimeout holds at most ~24.8 days; longer timers re-arm until their time has come. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: DurableClock = {
  now: () => new Date(),
  schedule(at, fire) {
    const handle: { timeout?: NodeJS.Timeout } = {};
    const arm = () => {
      const delay = Math.max(0, at.getTime() - Date.now());
      handle.timeout = setTimeout(() => (at.getTime() > Date.now() ? arm() : fire()), Math.min(delay, MAX_DELAY_MS));
      handle.timeout.unref?.();
    };
    arm();
    return handle;
  },
  cancel(handle) {
    clearTimeout((handle as { timeout?: NodeJS.Timeout } | undefined)?.timeout);
  },
};

/** A clock that moves only when told: advance() jumps to the earliest timer and fires it. */
export class VirtualClock implements DurableClock {
  private time: number;
  private readonly timers = new Set<{ at: number; fire: () => void }>();

  constructor(start: Date) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  schedule(at: Date, fire: () => void): unknown {
    const timer = { at: at.getTime(), fire };
    this.timers.add(timer);
    return timer;
  }

  cancel(handle: unknown): void {
    this.timers.delete(handle as { at: number; fire: () => void });
  }

  /** Timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time by `ms` without firing anything (time a step of the world takes). */
  tick(ms: number): void {
    this.time += ms;
  }

  /** Moves to the earliest timer and fires it; false when no timer is armed. */
  advance(): boolean {
    const [next] = [...this.timers].sort((a, b) => a.at - b.at);
    if (!next) return false;
    this.timers.delete(next);
    this.time = Math.max(this.time, next.at);
    next.fire();
    return true;
  }
}
