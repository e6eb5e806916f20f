import { Cron } from 'croner';
import { KoppelError } from '../core/errors.js';
import { messageOf } from '../core/errors.js';

/**
 * Cron expressions are read in UTC: five fields (minute precision), six with seconds, or seven with
 * years, as croner parses them. No callback is given, so croner never starts a timer of its own.
 */
function parseCron(expr: string): Cron {
  return new Cron(expr, { timezone: 'UTC' });
}

/**
 * A schedule must fire at least once this many years ahead to be accepted: `0 0 31 2 *` or a year
 * already past parse, but would schedule nothing, in silence. Leap days (every four years) pass.
 */
export const cronHorizonYears = 5;

/**
 * The one check of a cron expression, for every place one comes in (workspace file, API, CLI,
 * KOPPEL_PURGE_CRON): an error sentence, or null when the expression is usable from `now` on.
 */
export function validateCron(expr: string, now: Date = new Date()): string | null {
  let cron: Cron;
  try {
    cron = parseCron(expr);
  } catch (e) {
    return messageOf(e);
  }
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + cronHorizonYears);
  const next = cron.nextRun(now);
  if (next === null || next > horizon)
    return (
      `Cron expression '${expr}' never fires in the next ${cronHorizonYears} years` +
      ' (UTC): check that the day exists in the month (31 February does not) and that a year field is not past'
    );
  return null;
}

/** The most recent fire time at or before `now`, or null when there is none. */
export function latestFireTime(expr: string, now: Date): Date | null {
  let cron: Cron;
  try {
    cron = parseCron(expr);
  } catch (e) {
    throw new KoppelError(`Invalid cron expression '${expr}': ${(e as Error).message}`, {
      code: 'queue.invalid_cron',
      kind: 'invalid',
      cause: e,
    });
  }
  // croner's previousRuns excludes a run exactly at the reference; one millisecond later includes it.
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

/** The next fire time after `now`, or null when there is none (or the expression is not usable). */
export function nextFireTime(expr: string, now: Date): Date | null {
  try {
    return parseCron(expr).nextRun(now);
  } catch {
    return null;
  }
}
