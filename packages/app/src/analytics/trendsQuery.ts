import { ValidationError } from '@switchboard/core/errors';
import type { AnnotationChannel } from './conversationAnnotation';

// GET /api/insights/trends parameters, checked with an error naming the parameter; the period is widened to
// whole intervals (UTC) so every interval's figures are whole.

export type Interval = 'hour' | 'day' | 'week';

export interface TrendsQuery {
  from: Date;
  to: Date;
  interval: Interval;
  line?: string;
  channel?: AnnotationChannel;
}

const CHANNELS: readonly AnnotationChannel[] = ['call', 'sms', 'chat', 'whatsapp'];
const DAY_MS = 86_400_000;
const MAX_DAYS: Record<Interval, number> = { hour: 31, day: 400, week: 400 };

/** The start of the interval `at` falls in (weeks start on Monday, UTC). */
export function intervalStart(at: Date, interval: Interval): Date {
  const d = new Date(at);
  if (interval === 'hour') d.setUTCMinutes(0, 0, 0);
  else d.setUTCHours(0, 0, 0, 0);
  if (interval === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

export function intervalMs(interval: Interval): number {
  return interval === 'hour' ? 3_600_000 : interval === 'day' ? DAY_MS : 7 * DAY_MS;
}

function parseTime(name: string, value: string | null, fallback: Date): Date {
  if (value === null || value === '') return fallback;
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new ValidationError(`${name} must be an ISO 8601 date or time, such as 2026-05-01.`);
  return at;
}

/** Reads and checks the query string; `now` is the default end. */
export function parseTrendsQuery(params: URLSearchParams, now = new Date()): TrendsQuery {
  const intervalText = params.get('interval') || 'day';
  if (!['hour', 'day', 'week'].includes(intervalText)) throw new ValidationError('interval must be hour, day or week.');
  const interval = intervalText as Interval;
  const to = parseTime('to', params.get('to'), now);
  const from = parseTime('from', params.get('from'), new Date(to.getTime() - 7 * DAY_MS));
  if (from >= to) throw new ValidationError('from must be before to.');
  const start = intervalStart(from, interval);
  const endStart = intervalStart(new Date(to.getTime() - 1), interval);
  const end = new Date(endStart.getTime() + intervalMs(interval));
  if (end.getTime() - start.getTime() > MAX_DAYS[interval] * DAY_MS)
    throw new ValidationError(`A ${interval} trend covers at most ${MAX_DAYS[interval]} days.`);
  const channel = params.get('channel') || undefined;
  if (channel !== undefined && !CHANNELS.includes(channel as AnnotationChannel))
    throw new ValidationError(`channel must be one of ${CHANNELS.join(', ')}.`);
  const line = params.get('line') || undefined;
  if (line !== undefined && line.length > 200) throw new ValidationError('line is too long (at most 200 characters).');
  return { from: start, to: end, interval, line, channel: channel as AnnotationChannel | undefined };
}
