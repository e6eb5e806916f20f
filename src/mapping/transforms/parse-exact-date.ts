import { invalidTime, parseTimeText } from './parse-time-text.js';
import { instantOf, utcMillisOf, wallClockAt } from './wall-clock.js';

/**
 * An Exact Online date as an ISO UTC string: '/Date(1700000000000)/' → '2023-11-14T22:13:20.000Z'.
 *
 * Also accepted: epoch milliseconds, and ISO strings. An ISO string with a zone ('Z' or an offset)
 * comes back normalised to UTC; one without a zone cannot be placed in time and comes back as it
 * is, unless `timeZone` is given.
 *
 * With `timeZone`, the value is read as a wall-clock time in that zone: for Exact fields that hold
 * local time dressed up as UTC (the milliseconds of 00:00 UTC for a date that is meant as
 * 00:00 in Amsterdam), `$exactDate(Date, 'Europe/Amsterdam')` gives the true instant.
 */
export function parseExactDate(value: string | number, timeZone?: string): string {
  if (typeof value === 'number') return fromMillis(value, timeZone, String(value));
  const parsed = parseTimeText(value);
  if (parsed === undefined) throw invalidTime(value);
  if (parsed.kind === 'exact') return fromMillis(parsed.ms, timeZone, value);
  if (parsed.offsetMs !== undefined)
    return new Date(utcMillisOf(parsed.wall) - parsed.offsetMs).toISOString();
  if (timeZone === undefined) return value;
  return new Date(instantOf(parsed.wall, timeZone)).toISOString();
}

function fromMillis(ms: number, timeZone: string | undefined, text: string): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw invalidTime(text);
  if (timeZone === undefined) return date.toISOString();
  return new Date(instantOf(wallClockAt(ms, 'UTC'), timeZone)).toISOString();
}
