import { KoppelError } from '../core/errors.js';

/**
 * A whole-number option, checked before it reaches the store: a database given "abc" answers with
 * its own words ("datatype mismatch"), which name neither the option nor what it takes.
 */
export function wholeOption(option: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new KoppelError(
      `${option} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`}, not "${text}"`,
      { code: 'cli.bad_option', kind: 'invalid' },
    );
  return n;
}
