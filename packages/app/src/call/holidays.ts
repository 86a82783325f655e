import { DateTime, IANAZone } from 'luxon';

// Holidays are local dates in the flow's time zone: "2026-11-26" is that one day, "12-25" is every year.

export interface HolidayEntry {
  date: string;
  name?: string;
}

const ONE_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const EVERY_YEAR = /^(\d{2})-(\d{2})$/;

/** undefined when the date is well formed, else why not. */
export function holidayDateError(date: string): string | undefined {
  if (ONE_DAY.test(date)) {
    return DateTime.fromISO(date, { zone: 'UTC' }).isValid ? undefined : `"${date}" is not a real date`;
  }
  const m = EVERY_YEAR.exec(date);
  if (m) {
    // 2024 is a leap year, so "02-29" is accepted as a recurring date.
    return DateTime.fromObject({ year: 2024, month: Number(m[1]), day: Number(m[2]) }).isValid
      ? undefined
      : `"${date}" is not a real month-day`;
  }
  return `"${date}" must be YYYY-MM-DD (one day) or MM-DD (every year)`;
}

export function isHoliday(
  holidays: readonly (string | HolidayEntry)[] | undefined,
  now: Date,
  timeZone: string,
): boolean {
  if (!holidays || holidays.length === 0) return false;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const day = local.toFormat('yyyy-MM-dd');
  const monthDay = local.toFormat('MM-dd');
  return holidays.some((h) => {
    const date = typeof h === 'string' ? h : h.date;
    return date === day || date === monthDay;
  });
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}
