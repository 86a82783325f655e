import { UnauthorizedError } from '@switchboard/core/errors';
import type { MediaCallState } from '@switchboard/core/voiceAgentContract';

// A voice agent must not outlive its call's orchestration, nor its step's time. The watch asks the app about the
// call every few seconds (one cheap status read: GET /api/calls/{callId}/media) and once more when the step's time
// is up, and says which of three things happened:
// - gone: the orchestration no longer runs (terminated, failed, ended without hanging up) or no longer exists
//   (purged: the app no longer knows the call's token). The agent ends and the call is hung up.
// - movedOn: the orchestration runs, at another step (its own time limit fired, or an event moved it): the agent
//   ends quietly, the orchestration drives the call.
// - timeUp: the step's time has passed and the orchestration is still at it: the agent ends and says why.
// A failed check (the app unreachable) decides nothing: the next one will, and the time limit holds regardless.

/** How often a call is checked unless told otherwise: with the hang-up, a call outlives its orchestration ≤ 10 s. */
export const CHECK_EVERY_MS = 5_000;

export interface CallWatchEvents {
  gone(): void;
  movedOn(): void;
  timeUp(): void;
}

export class CallWatch {
  private timer: NodeJS.Timeout | undefined;
  private limitTimer: NodeJS.Timeout | undefined;
  private step: string | undefined;
  private expired = false;
  private checking = false;
  private stopped = false;
  private readonly told = new Set<keyof CallWatchEvents>();

  constructor(
    private readonly check: () => Promise<MediaCallState>,
    private readonly events: CallWatchEvents,
    private readonly everyMs = CHECK_EVERY_MS,
  ) {
    this.timer = setInterval(() => void this.probe(), everyMs);
  }

  /** The agent's step and time: from now on, another step is "moved on", and after `maxMs` the time is up. */
  limit(step: string | undefined, maxMs: number): void {
    if (this.stopped) return;
    this.step = step;
    clearTimeout(this.limitTimer);
    if (!Number.isFinite(maxMs)) return;
    this.limitTimer = setTimeout(() => {
      this.expired = true;
      void this.probe();
    }, maxMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.limitTimer);
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.checking) return;
    this.checking = true;
    let state: MediaCallState | undefined;
    try {
      state = await this.check();
    } catch (error) {
      // The app no longer knows the call's token: its orchestration was purged.
      if (error instanceof UnauthorizedError) state = { running: false };
    } finally {
      this.checking = false;
    }
    if (this.stopped) return;
    if (state && !state.running) {
      this.stop();
      this.events.gone();
    } else if (state?.step !== undefined && this.step !== undefined && state.step !== this.step) this.tell('movedOn');
    else if (this.expired) this.tell('timeUp');
  }

  private tell(what: 'movedOn' | 'timeUp'): void {
    if (this.told.has('movedOn') || this.told.has(what)) return;
    this.told.add(what);
    this.events[what]();
  }
}
