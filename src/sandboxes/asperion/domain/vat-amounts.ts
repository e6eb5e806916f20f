import type { Cents } from '../../../core/money.js';
import { mulDiv, sumCents, toCents } from '../../../core/money.js';

export interface LineVat {
  exclVat: Cents;
  vat: Cents;
}

/**
 * The VAT of one line, rounded half-up to the cent once per line (§6.4):
 * excl: vat = amount × pct / 100; incl: vat = amount × pct / (100 + pct) and excl = amount − vat.
 * `percentage` is the VAT code's rate as a decimal (21, 9, 0, 5.5).
 */
export function lineVat(amount: Cents, percentage: number | string, amountIncludesVat: boolean): LineVat {
  const hundredths = toCents(percentage);
  if (!amountIncludesVat) return { exclVat: amount, vat: mulDiv(amount, hundredths, 10_000n) };
  const vat = mulDiv(amount, hundredths, 10_000n + hundredths);
  return { exclVat: amount - vat, vat };
}

/** Header totals are the sums of the rounded line amounts, so they always agree with the lines. */
export function invoiceTotals(lines: readonly LineVat[]): { exclVat: Cents; vat: Cents; inclVat: Cents } {
  const exclVat = sumCents(lines.map((l) => l.exclVat));
  const vat = sumCents(lines.map((l) => l.vat));
  return { exclVat, vat, inclVat: exclVat + vat };
}
