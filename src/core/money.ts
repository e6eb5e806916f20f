import { KoppelError } from './errors.js';

/**
 * Money is held as an integer number of minor units (cents) in a bigint, end to end. Parsing and
 * formatting go through decimal strings, never through floating point.
 */
export type Cents = bigint;

const decimalPattern = /^([+-])?(\d+)(?:\.(\d+))?$/;

export const roundingModes = ['half-up', 'half-even', 'down'] as const;
export type RoundingMode = (typeof roundingModes)[number];

/** Parse "12.345", "-0.5", 12.34 (a JS number is read from its shortest decimal text) into cents. */
export function toCents(
  value: string | number | bigint,
  mode: RoundingMode = 'half-up',
  decimals = 2,
): Cents {
  if (typeof value === 'bigint') return value;
  const text = typeof value === 'number' ? numberToDecimal(value) : value.trim();
  const m = decimalPattern.exec(text);
  if (!m) {
    throw new KoppelError(`Not a decimal amount: "${text.slice(0, 40)}"`, {
      code: 'money.not_decimal',
      kind: 'invalid',
    });
  }
  const negative = m[1] === '-';
  const whole = m[2] ?? '0';
  const fraction = m[3] ?? '';
  const kept = (fraction + '0'.repeat(decimals)).slice(0, decimals);
  const rest = fraction.slice(decimals);
  let units = BigInt(whole + kept);
  if (rest.length > 0 && /[1-9]/.test(rest)) units += roundIncrement(units, rest, mode);
  return negative ? -units : units;
}

function roundIncrement(units: bigint, rest: string, mode: RoundingMode): bigint {
  if (mode === 'down') return 0n;
  const first = Number(rest[0]);
  const beyondHalf = /[1-9]/.test(rest.slice(1));
  if (first > 5 || (first === 5 && beyondHalf)) return 1n;
  if (first < 5) return 0n;
  // exactly half
  if (mode === 'half-up') return 1n;
  return units % 2n === 0n ? 0n : 1n;
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) {
    throw new KoppelError(`Not a finite amount: ${n}`, { code: 'money.not_finite', kind: 'invalid' });
  }
  // toString gives the shortest round-tripping text; expand exponent forms.
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** Cents as a decimal string with `decimals` places: 1234n → "12.34". */
export function formatCents(cents: Cents, decimals = 2): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? '.' + fraction : ''}`;
}

/** amount × numerator / denominator, rounded once at the end (e.g. VAT: cents × 21 / 100). */
export function mulDiv(
  amount: Cents,
  numerator: bigint,
  denominator: bigint,
  mode: RoundingMode = 'half-up',
): Cents {
  if (denominator === 0n)
    throw new KoppelError('Division by zero', { code: 'money.divide_by_zero', kind: 'invalid' });
  const negative = amount * numerator < 0n !== denominator < 0n;
  const n = abs(amount * numerator);
  const d = abs(denominator);
  const q = n / d;
  const r = n % d;
  let result = q;
  if (r !== 0n && mode !== 'down') {
    const twice = r * 2n;
    if (twice > d || (twice === d && (mode === 'half-up' || q % 2n === 1n))) result += 1n;
  }
  return negative ? -result : result;
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}
