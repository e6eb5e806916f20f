import { KoppelError } from '../../core/errors.js';
import { formatCents, roundingModes, toCents, type RoundingMode } from '../../core/money.js';

const decimalText = /^[+-]?\d+(?:\.\d+)?$/;
const maxDecimals = 12;

/**
 * An amount as a decimal string with exactly `decimals` places: formatMoney("12.345") → "12.35".
 * Rounding works on the decimal digits with bigints (src/core/money.ts), never on floats; a JS
 * number is read from its shortest decimal text, so 0.1 + 0.2 is "0.30". 'half-up' rounds halves
 * away from zero, 'half-even' to the even digit, 'down' drops the digits (toward zero).
 */
export function formatMoney(value: number | string, decimals = 2, mode: RoundingMode = 'half-up'): string {
  assertDecimals(decimals);
  assertMode(mode);
  return formatCents(toCents(checkedAmount(value), mode, decimals), decimals);
}

/** An amount as integer cents in a string ("12.34" → "1234"); a string, so no size limit. */
export function formatAsCents(value: number | string, mode: RoundingMode = 'half-up'): string {
  assertMode(mode);
  return toCents(checkedAmount(value), mode, 2).toString();
}

function checkedAmount(value: unknown): number | string {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && decimalText.test(value.trim())) return value.trim();
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value);
  throw new KoppelError(
    `${shown} is not a number or a decimal string like "1234.56" (no thousands separators, '.' for decimals)`,
    { code: 'mapping.not_numeric', kind: 'invalid' },
  );
}

function assertDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > maxDecimals) {
    throw new KoppelError(`decimals must be a whole number from 0 to ${maxDecimals}, not ${decimals}`, {
      code: 'mapping.invalid_argument',
      kind: 'invalid',
    });
  }
}

function assertMode(mode: string): asserts mode is RoundingMode {
  if (!(roundingModes as readonly string[]).includes(mode)) {
    throw new KoppelError(`rounding mode must be one of ${roundingModes.join(', ')}, not "${mode}"`, {
      code: 'mapping.invalid_argument',
      kind: 'invalid',
    });
  }
}
