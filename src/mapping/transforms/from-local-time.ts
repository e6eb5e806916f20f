import { invalidTime, parseTimeText } from './parse-time-text.js';
import { defaultTimeZone, instantOf, utcMillisOf } from './wall-clock.js';

/**
 * A wall-clock time in `timeZone` as an ISO UTC string:
 * '2026-01-15T12:00:00' in Europe/Amsterdam → '2026-01-15T11:00:00.000Z'. A date alone means
 * midnight. Around daylight saving: a time in the spring gap moves forward by the gap
 * ('2026-03-29T02:30:00' → 03:30 summer time → '2026-03-29T01:30:00.000Z'); a time in the autumn
 * overlap is its earlier occurrence ('2026-10-25T02:30:00' → '2026-10-25T00:30:00.000Z').
 * A value that already carries a zone is an instant and is only normalised to UTC.
 */
export function fromLocalTime(local: string, timeZone: string = defaultTimeZone): string {
  const parsed = parseTimeText(local);
  if (parsed === undefined || parsed.kind !== 'iso') throw invalidTime(local);
  const ms =
    parsed.offsetMs === undefined
      ? instantOf(parsed.wall, timeZone)
      : utcMillisOf(parsed.wall) - parsed.offsetMs;
  return new Date(ms).toISOString();
}
