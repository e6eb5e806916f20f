import { KoppelError } from '../../core/errors.js';
import { utcMillisOf, type WallClock } from './wall-clock.js';

/** Exact Online's OData v2 dates: `/Date(1700000000000)/`, sometimes with an offset suffix. */
const exactDatePattern = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** The range of a JavaScript Date. */
const maxMs = 8.64e15;

export type ParsedTimeText =
  | { kind: 'exact'; ms: number }
  | { kind: 'iso'; wall: WallClock; offsetMs: number | undefined; dateOnly: boolean };

/** Read an Exact `/Date(ms)/` or an ISO 8601 date(-time); undefined when it is neither. */
export function parseTimeText(text: string): ParsedTimeText | undefined {
  const trimmed = text.trim();
  const exact = exactDatePattern.exec(trimmed);
  if (exact) {
    // The offset suffix of WCF-style dates is informational: the milliseconds are already UTC.
    const ms = Number(exact[1]);
    return Math.abs(ms) <= maxMs ? { kind: 'exact', ms } : undefined;
  }
  const m = isoPattern.exec(trimmed);
  if (!m) return undefined;
  const wall: WallClock = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)),
  };
  if (!isValidWallClock(wall)) return undefined;
  const offsetMs = m[8] === undefined ? undefined : parseOffset(m[8]);
  if (offsetMs === null) return undefined;
  return { kind: 'iso', wall, offsetMs, dateOnly: m[4] === undefined };
}

/**
 * An instant in milliseconds from an Exact date, an ISO string or epoch milliseconds. An ISO value
 * without a zone is read as UTC (as JSONata's own date functions do), never as the server's zone.
 */
export function parseInstant(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && Math.abs(value) <= maxMs) return value;
    throw invalidTime(String(value));
  }
  const parsed = parseTimeText(value);
  if (parsed === undefined) throw invalidTime(value);
  if (parsed.kind === 'exact') return parsed.ms;
  return utcMillisOf(parsed.wall) - (parsed.offsetMs ?? 0);
}

export function invalidTime(text: string): KoppelError {
  return new KoppelError(
    `"${text.slice(0, 40)}" is not a date: expected ISO 8601 (2026-03-29T12:00:00Z) or Exact's /Date(ms)/`,
    { code: 'mapping.invalid_date', kind: 'invalid' },
  );
}

function parseOffset(text: string): number | null {
  if (/^z$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  const hours = Number(m?.[2]);
  const minutes = Number(m?.[3] ?? 0);
  if (!m || hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function isValidWallClock(w: WallClock): boolean {
  const daysInMonth = new Date(Date.UTC(2000, w.month, 0)).getUTCDate();
  const leapFix = w.month === 2 && w.day === 29 ? isLeapYear(w.year) : true;
  return (
    w.month >= 1 &&
    w.month <= 12 &&
    w.day >= 1 &&
    w.day <= daysInMonth &&
    leapFix &&
    w.hour <= 23 &&
    w.minute <= 59 &&
    w.second <= 59
  );
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
