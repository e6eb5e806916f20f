import { KoppelError } from '../../core/errors.js';
import { toCents, type Cents, type RoundingMode } from '../../core/money.js';

/** `Edm.DateTime` as Exact sends it: `/Date(ms)/`, the ms encoding Amsterdam wall-clock (reference 4.5). */
export type ExactDateText = string;

/** `Edm.Int64` (e.g. `Timestamp`): OData v2 sends a string, but a JSON number is possible (4.5). */
export type ExactInt64 = string | number;

/** A child collection: `{results}` when expanded, `{__deferred}` otherwise (reference 4.2). */
export type ExactCollection<T> = { results: T[] } | { __deferred: { uri: string } };

/** The rows of an expanded child collection; [] when it was not expanded. */
export function expanded<T>(collection: ExactCollection<T> | null | undefined): T[] {
  return collection && 'results' in collection ? collection.results : [];
}

/**
 * A `/Date(ms)/` value as Amsterdam wall-clock ISO text without offset (`2026-03-10T10:00:00.000`):
 * Exact's milliseconds are local time written as if UTC (reference 4.5), so reading them as UTC gives
 * the wall clock back. Null stays null.
 */
export function parseExactDate(raw: ExactDateText | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(raw);
  if (!m) {
    throw new KoppelError(`Not an Exact date: "${raw.slice(0, 40)}"`, {
      code: 'exact.bad_date',
      kind: 'invalid',
    });
  }
  return new Date(Number(m[1])).toISOString().slice(0, 23);
}

/**
 * The decimal an `Edm.Double` amount stands for, as text: the shortest text that reads back as the
 * same double (`12.345`, not 12.3449999…), so no float arithmetic touches it.
 */
export function exactDecimalText(value: number): string {
  if (!Number.isFinite(value)) {
    throw new KoppelError(`Not a finite amount: ${value}`, { code: 'exact.bad_amount', kind: 'invalid' });
  }
  const s = String(value);
  if (!/e/i.test(s)) return s;
  // Exponent forms (1e-7, 1e21): expand from the shortest digits, not from the binary value.
  const [mantissa = '', exp = '0'] = s.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exp);
  const text =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + text;
}

/** An Exact amount (JSON number) as exact cents, rounded once from its decimal text. */
export function exactMoney(value: number, mode: RoundingMode = 'half-up', decimals = 2): Cents {
  return toCents(exactDecimalText(value), mode, decimals);
}
