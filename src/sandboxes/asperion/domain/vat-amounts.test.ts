import { describe, expect, it } from 'vitest';
import { invoiceTotals, lineVat } from './vat-amounts.js';

describe('VAT per line and invoice totals', () => {
  it('rounds the VAT of each line half-up to the cent', () => {
    expect(lineVat(50n, 21, false)).toEqual({ exclVat: 50n, vat: 11n }); // 10.5 cents
    expect(lineVat(1250n, 9, false)).toEqual({ exclVat: 1250n, vat: 113n }); // 112.5 cents
    expect(lineVat(1005n, 21, false).vat).toBe(211n); // 211.05 cents
    expect(lineVat(5n, 9, false).vat).toBe(0n); // 0.45 cents
  });

  it('rounds credit lines symmetrically, away from zero at the half', () => {
    expect(lineVat(-1250n, 9, false).vat).toBe(-113n);
  });

  it('handles fractional percentages without floating point', () => {
    expect(lineVat(10_000n, '5.5', false).vat).toBe(550n);
    expect(lineVat(333n, 5.5, false).vat).toBe(18n); // 18.315
  });

  it('takes the VAT out of an amount that includes it', () => {
    expect(lineVat(12_100n, 21, true)).toEqual({ exclVat: 10_000n, vat: 2100n });
    expect(lineVat(100n, 21, true)).toEqual({ exclVat: 83n, vat: 17n }); // 17.355
  });

  it('gives 0 VAT for 0 % codes (zero rate, reverse charge, intra-EU, export)', () => {
    expect(lineVat(99_999n, 0, false).vat).toBe(0n);
  });

  it('adds the rounded lines up, so the totals always equal the sum of the lines', () => {
    const lines = [lineVat(50n, 21, false), lineVat(1250n, 9, false)];
    expect(invoiceTotals(lines)).toEqual({ exclVat: 1300n, vat: 124n, inclVat: 1424n });
  });
});
