import type { ExactSettings } from '../settings.js';
import { multiplyDecimal, roundingOf } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';

/** The currency every sandbox division books in (the demo divisions are Dutch and Belgian). */
export const divisionCurrency = 'EUR';

/** Division-currency units per unit of `currency` (setting `exchangeRates`); 1 for the division's own. */
export function exchangeRateOf(currency: unknown, settings: ExactSettings): number {
  if (typeof currency !== 'string' || currency.toUpperCase() === divisionCurrency) return 1;
  return settings.exchangeRates[currency.toUpperCase()] ?? 1;
}

/**
 * A line's `AmountDC` and VAT in the division's currency: the document-currency amount times the
 * rate, rounded to the cent per line; the VAT converted or recomputed on the DC amount
 * (`foreignVatDC`). `vatFC` is the line's VAT in the document's currency.
 */
export function divisionAmounts(
  line: StoredRow,
  vatFC: number,
  percentage: number,
  rate: number,
  settings: ExactSettings,
): { amountDC: number; vatDC: number } {
  const amountFC = Number(line['AmountFC']);
  if (rate === 1) return { amountDC: amountFC, vatDC: vatFC };
  const mode = roundingOf(settings.amountRounding);
  const amountDC = multiplyDecimal(amountFC, rate, 2, mode);
  const vatDC =
    settings.foreignVatDC === 'recompute'
      ? multiplyDecimal(amountDC, percentage, 2, mode)
      : multiplyDecimal(vatFC, rate, 2, mode);
  return { amountDC, vatDC };
}
