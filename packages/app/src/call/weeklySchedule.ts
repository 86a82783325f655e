import { DateTime } from 'luxon';

// Opening hours as written in flow files ("Mon-Fri 08:00-18:00", "Sat 09:00-13:00, 14:00-16:00",
// "Fri 22:00-06:00" runs past midnight, "24/7"), compiled to minute-of-week intervals so that "is it
// open now" is one comparison in local wall-clock time (luxon applies the zone's DST rules).

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Half-open [start, end) in minutes since Monday 00:00 local time; never wraps the week end. */
export interface WeeklyInterval {
  start: number;
  end: number;
}

export type ScheduleParseResult = { ok: true; intervals: WeeklyInterval[] } | { ok: false; error: string };

function parseDays(text: string): number[] | string {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to] = part.split('-').map((d) => d.trim().toLowerCase().slice(0, 3));
    const a = DAYS.indexOf(from as (typeof DAYS)[number]);
    const b = to === undefined ? a : DAYS.indexOf(to as (typeof DAYS)[number]);
    if (a < 0 || b < 0) return `"${part.trim()}" is not a day or day range (Mon..Sun, e.g. Mon-Fri)`;
    // Mon-Fri counts forwards; Sat-Mon wraps round the week end.
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort();
}

function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > MINUTES_PER_DAY ? undefined : minutes;
}

function parseLine(line: string, out: WeeklyInterval[]): string | undefined {
  const trimmed = line.trim();
  if (/^24\/7$/.test(trimmed)) {
    out.push({ start: 0, end: MINUTES_PER_WEEK });
    return undefined;
  }
  const m = /^([A-Za-z,\- ]+?)\s+(\d.*)$/.exec(trimmed);
  if (!m) return `"${trimmed}" must look like "Mon-Fri 08:00-18:00" (or "24/7")`;
  const days = parseDays(m[1]);
  if (typeof days === 'string') return days;
  for (const range of m[2].split(',')) {
    const [fromText, toText, extra] = range.split('-');
    const from = fromText === undefined ? undefined : parseClock(fromText);
    const to = toText === undefined ? undefined : parseClock(toText);
    if (from === undefined || to === undefined || extra !== undefined) {
      return `"${range.trim()}" must be a time range HH:MM-HH:MM (24-hour clock)`;
    }
    if (from === to) return `"${range.trim()}" is empty`;
    // An end before the start means the range runs past midnight into the next day.
    const length = to > from ? to - from : MINUTES_PER_DAY - from + to;
    for (const day of days) {
      const start = day * MINUTES_PER_DAY + from;
      const end = start + length;
      if (end <= MINUTES_PER_WEEK) out.push({ start, end });
      else {
        out.push({ start, end: MINUTES_PER_WEEK });
        out.push({ start: 0, end: end - MINUTES_PER_WEEK });
      }
    }
  }
  return undefined;
}

/** Parses one schedule line or several; errors name the part that is wrong. */
export function parseWeeklySchedule(spec: string | readonly string[]): ScheduleParseResult {
  const lines = typeof spec === 'string' ? spec.split(';') : spec;
  const intervals: WeeklyInterval[] = [];
  if (lines.length === 0) return { ok: false, error: 'lists no opening times' };
  for (const line of lines) {
    const error = parseLine(line, intervals);
    if (error) return { ok: false, error };
  }
  return { ok: true, intervals };
}

/** Minutes since Monday 00:00 of the wall-clock time `now` shows in `timeZone`. */
export function minuteOfWeek(now: Date, timeZone: string): number {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  return (local.weekday - 1) * MINUTES_PER_DAY + local.hour * 60 + local.minute;
}

export function isWithinSchedule(intervals: readonly WeeklyInterval[], now: Date, timeZone: string): boolean {
  const minute = minuteOfWeek(now, timeZone);
  return intervals.some((i) => minute >= i.start && minute < i.end);
}
