import type { Hours } from '../flows/flowSchema';
import { isHoliday } from './holidays';
import { parseWeeklySchedule, isWithinSchedule, type WeeklyInterval } from './weeklySchedule';

// Schedules are parsed once per hours object (flows are loaded once and reused for every call).
const compiled = new WeakMap<object, WeeklyInterval[]>();

export function scheduleIntervals(open: string | readonly string[], cacheKey?: object): WeeklyInterval[] {
  const cached = cacheKey && compiled.get(cacheKey);
  if (cached) return cached;
  const parsed = parseWeeklySchedule(open);
  if (!parsed.ok) throw new Error(`invalid opening hours: ${parsed.error}`); // validated at load time
  if (cacheKey) compiled.set(cacheKey, parsed.intervals);
  return parsed.intervals;
}

/** Open at `now`: inside the weekly hours (local time in hours.timeZone) and not a holiday. No hours = always open. */
export function isFlowOpen(hours: Hours | undefined, now: Date): boolean {
  if (!hours) return true;
  if (isHoliday(hours.holidays, now, hours.timeZone)) return false;
  return isWithinSchedule(scheduleIntervals(hours.open, hours), now, hours.timeZone);
}
