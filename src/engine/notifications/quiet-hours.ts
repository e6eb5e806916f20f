import { severityRank, type Severity } from './types.js';

export interface QuietHours {
  from: string;
  to: string;
  timeZone: string;
  except?: Severity | undefined;
}

/**
 * When a message made at `now` may go out: `now`, or the end of the quiet hours it falls in. The
 * hours are local times in the settings' time zone (a person sleeps by the clock on the wall), so
 * the end is found through Intl rather than by adding a fixed offset, which would be an hour off
 * across a daylight-saving change. `from`–`to` spans midnight when `to` is before `from`.
 */
export function sendAfter(now: Date, severity: Severity, quiet: QuietHours | undefined): Date {
  if (!quiet) return now;
  if (quiet.except !== undefined && severityRank(severity) >= severityRank(quiet.except)) return now;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (from === to) return now;
  const local = localMinutes(now, quiet.timeZone);
  const inside = from < to ? local >= from && local < to : local >= from || local < to;
  if (!inside) return now;
  const wait = (to - local + 24 * 60) % (24 * 60);
  // A whole-minute step lands inside the minute `to` begins; its start is the end of quiet hours.
  const guess = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + wait * 60_000);
  return settle(guess, to, quiet.timeZone);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes since local midnight in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * The guess is off by the change of the zone's offset between now and then (a DST switch in the
 * night); step by that difference until the local time reads `to`, at most a few times.
 */
function settle(guess: Date, to: number, timeZone: string): Date {
  let at = guess;
  for (let i = 0; i < 3; i++) {
    const diff = ((to - localMinutes(at, timeZone) + 36 * 60) % (24 * 60)) - 12 * 60;
    if (diff === 0) return at;
    at = new Date(at.getTime() + diff * 60_000);
  }
  return at;
}
