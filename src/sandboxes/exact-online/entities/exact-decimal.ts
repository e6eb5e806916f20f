import { formatCents, mulDiv, type RoundingMode } from '../../../core/money.js';

/**
 * Exact sends amounts as JSON numbers (Edm.Double); arithmetic on them is exact: each number is
 * read from its shortest decimal text into a scaled bigint, products and sums are kept whole, and
 * the result is rounded once, at the end (house rule: no float arithmetic on money). Rounding a
 * factor or an intermediate product first (e.g. the net price before the quantity) gets cents
 * wrong: 7 × 12.345 at 15 % is 73.45275 → 73.45, but 7 × round(10.49325) = 73.43.
 *
 * Rounding is half away from zero by default (`half-up` on the magnitude, as `core/money` does):
 * the reference says nothing of Exact's rounding, so the sandbox's setting `amountRounding` can
 * switch to half-even (UNCONFIRMED).
 */
interface Decimal {
  units: bigint;
  /** Number of decimal places in `units`. */
  scale: number;
}

const decimalText = /^(-)?(\d+)(?:\.(\d+))?$/;

function toDecimal(value: number): Decimal {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite amount: ${value}`);
  // The shortest round-tripping text, with exponent forms written out (1e-7 → 0.0000001).
  const text = /e/i.test(String(value)) ? value.toFixed(20).replace(/\.?0+$/, '') : String(value);
  const m = decimalText.exec(text);
  if (!m) throw new RangeError(`Not a decimal amount: ${text}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2] ?? '0'}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function product(values: readonly number[]): Decimal {
  return values
    .map(toDecimal)
    .reduce((acc, d) => ({ units: acc.units * d.units, scale: acc.scale + d.scale }), {
      units: 1n,
      scale: 0,
    });
}

function rounded(value: Decimal, decimals: number, mode: RoundingMode): number {
  const shift = value.scale - decimals;
  const units =
    shift > 0 ? mulDiv(value.units, 1n, 10n ** BigInt(shift), mode) : value.units * 10n ** BigInt(-shift);
  return Number(formatCents(units, decimals));
}

/** The product of `values`, exact, rounded once to `decimals` places. */
export function multiplyDecimal(a: number, b: number, decimals = 2, mode: RoundingMode = 'half-up'): number {
  return rounded(product([a, b]), decimals, mode);
}

/** Sum, exact, rounded once to `decimals` places. */
export function sumDecimal(values: readonly number[], decimals = 2, mode: RoundingMode = 'half-up'): number {
  const terms = values.map(toDecimal);
  const scale = Math.max(0, ...terms.map((t) => t.scale));
  const units = terms.reduce((sum, t) => sum + t.units * 10n ** BigInt(scale - t.scale), 0n);
  return rounded({ units, scale }, decimals, mode);
}

/** 1 − `discount` (a fraction), exact. */
export function discountFactor(discount: number): number {
  return sumDecimal([1, -discount], Math.max(0, toDecimal(discount).scale));
}

/**
 * A line's amount: quantity × unit price × (1 − discount), exact, rounded once to the cent. The
 * net price is never rounded on the way.
 */
export function lineAmount(
  quantity: number,
  unitPrice: number,
  discount: number,
  mode: RoundingMode = 'half-up',
): number {
  return rounded(product([quantity, unitPrice, discountFactor(discount)]), 2, mode);
}

/** The rounding mode of the sandbox's setting `amountRounding`. */
export function roundingOf(setting: 'half-away-from-zero' | 'half-even'): RoundingMode {
  return setting === 'half-even' ? 'half-even' : 'half-up';
}
