import { describe, expect, it } from 'vitest';
import { exactDecimalText, exactMoney, expanded, parseExactDate } from './exact-values.js';

describe('Exact values', () => {
  it('read amounts from their shortest decimal text, never through float arithmetic', () => {
    expect(exactDecimalText(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(exactMoney(0.1 + 0.2)).toBe(30n);
    expect(exactMoney(12.345)).toBe(1235n);
    // 1.005 is 1.00499999… in binary, so float rounding gives 1.00; its decimal text rounds to 1.01.
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(exactMoney(1.005)).toBe(101n);
    expect(exactMoney(12.345, 'half-even')).toBe(1234n);
    expect(exactMoney(-1.005)).toBe(-101n);
    expect(exactMoney(1.1 * 3, 'half-up', 4)).toBe(33000n);
    expect(exactMoney(0)).toBe(0n);
  });

  it('expand exponent forms digit by digit', () => {
    expect(exactDecimalText(1e-7)).toBe('0.0000001');
    expect(exactDecimalText(-1.5e-7)).toBe('-0.00000015');
    expect(exactDecimalText(1.25e21)).toBe('1250000000000000000000');
    expect(exactMoney(1e21)).toBe(100000000000000000000000n);
    expect(() => exactMoney(Number.NaN)).toThrow(/Not a finite amount/);
  });

  it('read /Date(ms)/ as the Amsterdam wall clock it encodes', () => {
    expect(parseExactDate('/Date(1641034800000)/')).toBe('2022-01-01T11:00:00.000');
    expect(parseExactDate(null)).toBeNull();
    expect(() => parseExactDate('2022-01-01')).toThrow(/Not an Exact date/);
  });

  it('give the rows of an expanded collection and none of a deferred one', () => {
    expect(expanded({ results: [{ ID: 'a' }] })).toEqual([{ ID: 'a' }]);
    expect(expanded({ __deferred: { uri: 'x' } })).toEqual([]);
  });
});
