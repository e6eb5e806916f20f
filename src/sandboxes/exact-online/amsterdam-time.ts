/**
 * Exact stores and returns Dutch wall-clock time: `/Date(ms)/` encodes Amsterdam local time as if
 * it were UTC (reference 4.5, Exact FAQ). The sandbox keeps every DateTime as a wall-clock string
 * `YYYY-MM-DDTHH:mm:ss.sss` without offset, so comparisons and output need no zone rules.
 */
const amsterdam = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The Amsterdam wall-clock time of an instant. */
export function toAmsterdamWallClock(instant: Date): string {
  const parts = Object.fromEntries(amsterdam.formatToParts(instant).map((p) => [p.type, p.value]));
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}`;
}

/** Wall-clock text as the `/Date(ms)/` value Exact sends. */
export function toExactDate(wallClock: string): string {
  return `/Date(${wallClockMs(wallClock)})/`;
}

/** Wall-clock text as milliseconds (the wall-clock read as UTC), for ordering and comparing. */
export function wallClockMs(wallClock: string): number {
  return Date.parse(`${wallClock}Z`);
}

const isoPattern =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date from a request as wall-clock text, or undefined when it is not one. Values
 * without offset are already wall-clock; with `Z` or an offset they are either converted to
 * Amsterdam time or have the offset dropped (UNCONFIRMED, reference 4.5; a setting).
 */
export function parseIsoToWallClock(text: string, offsets: 'convert' | 'ignore'): string | undefined {
  const m = isoPattern.exec(text);
  if (!m) return undefined;
  const [, date, hm = '00:00', sec = '00', frac = '', zone] = m;
  const local = `${date}T${hm}:${sec}.${(frac + '000').slice(0, 3)}`;
  if (Number.isNaN(wallClockMs(local))) return undefined;
  if (zone === undefined || offsets === 'ignore') return local;
  const instant = new Date(`${local}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  return toAmsterdamWallClock(instant);
}
