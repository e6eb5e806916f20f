import { formatCents, toCents } from '../../../core/money.js';

/** A JSON number from exact cents: read from the decimal text, never computed in floats (§1.6, §7). */
export function money(cents: bigint): number {
  return Number(formatCents(cents));
}

/** Cents of a stored amount (a JSON number or decimal text); anything else counts as zero. */
export function cents(value: unknown): bigint {
  return typeof value === 'number' || typeof value === 'string' ? toCents(value) : 0n;
}
