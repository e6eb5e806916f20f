import { KoppelError } from '../../core/errors.js';

/** The zone Koppel's users live in; the default of every date transform. */
export const defaultTimeZone = 'Europe/Amsterdam';

/** A date and time as read on a clock, without a zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const dayMs = 86_400_000;
/** Creating a DateTimeFormat is slow; one per zone is kept (zone names are a small, fixed set). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new KoppelError(
        `"${timeZone.slice(0, 60)}" is not a time zone (use an IANA name like Europe/Amsterdam)`,
        {
          code: 'mapping.invalid_time_zone',
          kind: 'invalid',
        },
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a clock in `timeZone` shows at the instant `ms` (milliseconds since 1970 UTC). */
export function wallClockAt(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = Number(part.value);
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 1,
    day: parts['day'] ?? 1,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/** The instant at which a UTC clock shows `wall`. */
export function utcMillisOf(wall: WallClock): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  date.setUTCFullYear(wall.year);
  return date.getTime() + wall.millisecond;
}

/** How far `timeZone` is ahead of UTC at the instant `ms`, in milliseconds. */
export function offsetAt(ms: number, timeZone: string): number {
  return utcMillisOf(wallClockAt(ms, timeZone)) - ms;
}

/**
 * The instant at which a clock in `timeZone` shows `wall`.
 *
 * Daylight saving makes this ambiguous twice a year; the rules are those of Temporal's
 * 'compatible' disambiguation. In the autumn overlap (02:30 happens twice in Amsterdam) the earlier
 * instant is taken, the one still on summer time. In the spring gap (02:30 does not exist) the time
 * is moved forward by the length of the gap: 02:30 becomes 03:30 summer time.
 */
export function instantOf(wall: WallClock, timeZone: string): number {
  const asUtc = utcMillisOf(wall);
  // Offsets a day either side cover the one transition that can be near (zones change at most twice a year).
  const before = offsetAt(asUtc - dayMs, timeZone);
  const after = offsetAt(asUtc + dayMs, timeZone);
  const matches = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((ms) => offsetAt(ms, timeZone) === asUtc - ms)
    .sort((a, b) => a - b);
  return matches[0] ?? asUtc - before;
}

/** 'YYYY-MM-DDTHH:mm:ss', or 'YYYY-MM-DD' for a date only. */
export function formatWallClock(wall: WallClock, dateOnly = false): string {
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  return dateOnly ? date : `${date}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
