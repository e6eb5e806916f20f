import { describe, expect, it } from 'vitest';
import { discountFactor, lineAmount, multiplyDecimal, sumDecimal } from './exact-decimal.js';

describe('exact decimal arithmetic for amounts', () => {
  it('multiplies without float drift', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(multiplyDecimal(0.1, 3)).toBe(0.3);
    expect(multiplyDecimal(1.005, 1)).toBe(1.01);
    expect(multiplyDecimal(19.99, 0.21)).toBe(4.2);
  });

  it('rounds half up at the asked number of places', () => {
    expect(multiplyDecimal(0.125, 1)).toBe(0.13);
    expect(multiplyDecimal(2.5, 0.5, 0)).toBe(1);
    expect(multiplyDecimal(-0.125, 1)).toBe(-0.13);
  });

  it('sums without float drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimal([0.1, 0.2])).toBe(0.3);
    expect(sumDecimal(Array.from({ length: 10 }, () => 0.1))).toBe(1);
  });
});

describe('line amounts, rounded once', () => {
  it('multiplies quantity, unit price and 1 − discount before rounding', () => {
    // Rounding the net price first (10.49) would give 73.43.
    expect(lineAmount(7, 12.345, 0.15)).toBe(73.45);
    expect(lineAmount(3, 19.99, 0.15)).toBe(50.97);
    expect(lineAmount(11, 0.995, 0.1)).toBe(9.85);
    expect(lineAmount(-2, 12.345, 0.15)).toBe(-20.99);
    expect(lineAmount(1, 0.125, 0, 'half-even')).toBe(0.12);
  });

  it('does not round twice (a product just under a half cent stays under)', () => {
    // 0.0049999996 would become 0.005000 at six places and then 0.01.
    expect(multiplyDecimal(0.0049999996, 1)).toBe(0);
    expect(discountFactor(0.055)).toBe(0.945);
  });
});
