import { formatCents, mulDiv, sumCents, toCents } from '../../../core/money.js';

/**
 * Exact sends amounts as JSON numbers (Edm.Double); arithmetic on them goes through scaled
 * bigints so that totals never drift (house rule: no float arithmetic on money).
 */
const scale = 6;

function scaled(value: number): bigint {
  return toCents(value, 'half-up', scale);
}

function unscaled(value: bigint, decimals: number): number {
  const rounded = mulDiv(value, 1n, 10n ** BigInt(scale - decimals));
  return Number(formatCents(rounded, decimals));
}

/** a × b rounded half-up to `decimals` places. */
export function multiplyDecimal(a: number, b: number, decimals = 2): number {
  return unscaled(mulDiv(scaled(a) * scaled(b), 1n, 10n ** BigInt(scale)), decimals);
}

/** Sum rounded to `decimals` places. */
export function sumDecimal(values: number[], decimals = 2): number {
  return unscaled(sumCents(values.map(scaled)), decimals);
}
