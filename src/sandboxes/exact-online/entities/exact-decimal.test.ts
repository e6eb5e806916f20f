import { describe, expect, it } from 'vitest';
import { multiplyDecimal, sumDecimal } from './exact-decimal.js';

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
