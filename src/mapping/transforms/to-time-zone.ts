import { parseInstant } from './parse-time-text.js';
import { defaultTimeZone, formatWallClock, wallClockAt } from './wall-clock.js';

/**
 * The wall-clock time in `timeZone` at an instant, as 'YYYY-MM-DDTHH:mm:ss' without offset:
 * '2026-07-01T10:00:00Z' → '2026-07-01T12:00:00' in Europe/Amsterdam. The instant may be ISO
 * (without a zone it is read as UTC), Exact's /Date(ms)/ or epoch milliseconds.
 */
export function toTimeZone(instant: string | number, timeZone: string = defaultTimeZone): string {
  return formatWallClock(wallClockAt(parseInstant(instant), timeZone));
}

/** The calendar date in `timeZone` at an instant, as 'YYYY-MM-DD'. */
export function toLocalDate(instant: string | number, timeZone: string = defaultTimeZone): string {
  return formatWallClock(wallClockAt(parseInstant(instant), timeZone), true);
}
