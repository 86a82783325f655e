import { Cron } from 'croner';
import type { AppFunction } from '../appLoader';
import type { Invoker } from '../invoker';
import { resolveSettingExpressions } from '../settings';

/** Timer triggers: NCRONTAB (six fields, seconds first) or a TimeSpan ("00:05:00"), with runOnStartup. */
export class TimerTriggerScheduler {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly functions: Iterable<AppFunction>,
    private readonly invoker: Invoker,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  start(): void {
    for (const fn of this.functions) {
      if (fn.trigger.type !== 'timerTrigger' || fn.error) continue;
      const schedule = resolveSettingExpressions(typeof fn.trigger.schedule === 'string' ? fn.trigger.schedule : '');
      let last: Date | undefined;
      const fire = (next: Date | null) => {
        const now = new Date();
        const payload = {
          Schedule: { AdjustForDST: true },
          ScheduleStatus: {
            Last: (last ?? now).toISOString(),
            Next: next?.toISOString(),
            LastUpdated: now.toISOString(),
          },
          IsPastDue: false,
        };
        last = now;
        this.invoker
          .invoke(fn, { trigger: { json: JSON.stringify(payload) } })
          .catch((error) => this.log('error', `Timer function ${fn.name} failed: ${(error as Error).message}`));
      };
      const timeSpan = /^(\d+\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(schedule);
      if (timeSpan) {
        const ms =
          ((Number(timeSpan[1] ?? 0) * 24 + Number(timeSpan[2])) * 3600 +
            Number(timeSpan[3]) * 60 +
            Number(timeSpan[4])) *
          1000;
        const handle = setInterval(() => fire(new Date(Date.now() + ms)), ms);
        handle.unref();
        this.stops.push(() => clearInterval(handle));
      } else {
        let job: Cron;
        try {
          job = new Cron(schedule, { unref: true }, () => fire(job.nextRun()));
        } catch (error) {
          fn.error = `Timer function "${fn.name}" has an invalid schedule "${schedule}": ${(error as Error).message}`;
          this.log('error', fn.error);
          continue;
        }
        this.stops.push(() => job.stop());
      }
      if (fn.trigger.runOnStartup === true) fire(null);
    }
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
