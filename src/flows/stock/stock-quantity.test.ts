import { describe, expect, it } from 'vitest';
import { formatDifference, formatQuantity, toQuantity } from './stock-quantity.js';

describe('stock quantities', () => {
  it('adds exactly where floats would not', () => {
    const sum = toQuantity(0.1, 'a') + toQuantity(0.2, 'b');
    expect(formatQuantity(sum)).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('formats whole, fractional and negative quantities and signed differences', () => {
    expect(formatQuantity(toQuantity(12, 'q'))).toBe('12');
    expect(formatQuantity(toQuantity('12.50', 'q'))).toBe('12.5');
    expect(formatQuantity(toQuantity(-3.25, 'q'))).toBe('-3.25');
    expect(formatDifference(toQuantity(2, 'q'))).toBe('+2');
    expect(formatDifference(toQuantity(-0.5, 'q'))).toBe('-0.5');
    expect(formatDifference(0n)).toBe('0');
  });

  it('refuses what is no quantity, naming it', () => {
    expect(() => toQuantity('twelve', 'CurrentStock of item X')).toThrow(/CurrentStock of item X/);
    expect(() => toQuantity(null, 'q')).toThrow(/stock|quantity/);
    expect(() => toQuantity(Number.NaN, 'q')).toThrow(/quantity/);
  });
});
