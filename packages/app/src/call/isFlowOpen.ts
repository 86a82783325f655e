import { isHoliday, type HolidayEntry } from './holidays';
import { parseWeeklySchedule, isWithinSchedule, type WeeklyInterval } from './weeklySchedule';

// Opening hours: a weekly schedule in a time zone, minus holidays (a leaf: flows and routing use it).

/** The opening hours of a flow (flowSchema's hours), as this module reads them. */
export interface OpeningHours {
  timeZone: string;
  open: string | readonly string[];
  holidays?: readonly (string | HolidayEntry)[];
}

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
export function isFlowOpen(hours: OpeningHours | undefined, now: Date): boolean {
  if (!hours) return true;
  if (isHoliday(hours.holidays, now, hours.timeZone)) return false;
  return isWithinSchedule(scheduleIntervals(hours.open, hours), now, hours.timeZone);
}
