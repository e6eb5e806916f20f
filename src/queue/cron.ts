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

/** For configuration validation: an error message, or null when the expression is usable. */
export function validateCron(expr: string): string | null {
  let cron: Cron;
  try {
    cron = parseCron(expr);
  } catch (e) {
    return messageOf(e);
  }
  // `0 0 31 2 *` parses but never fires; say so instead of scheduling nothing in silence.
  if (cron.nextRun(new Date(0)) === null) return `Cron expression '${expr}' never fires`;
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
