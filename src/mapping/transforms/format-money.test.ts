import { describe, expect, it } from 'vitest';
import { formatAsCents, formatMoney } from './format-money.js';

describe('formatMoney', () => {
  it.each([
    [12, '12.00'],
    [12.3, '12.30'],
    ['12.345', '12.35'],
    ['12.344', '12.34'],
    ['-12.345', '-12.35'],
    ['0.005', '0.01'],
    [' 7.5 ', '7.50'],
    ['+3', '3.00'],
    [0.1 + 0.2, '0.30'],
    [1.005, '1.01'],
    ['123456789012345678.905', '123456789012345678.91'],
    [-0.001, '0.00'],
  ])('formats %j as %j with two places, halves away from zero', (value, expected) => {
    expect(formatMoney(value)).toBe(expected);
  });

  it('rounds halves to the even digit in half-even mode', () => {
    expect(formatMoney('2.345', 2, 'half-even')).toBe('2.34');
    expect(formatMoney('2.355', 2, 'half-even')).toBe('2.36');
    expect(formatMoney('2.3451', 2, 'half-even')).toBe('2.35');
    expect(formatMoney('-2.345', 2, 'half-even')).toBe('-2.34');
  });

  it('drops extra digits toward zero in down mode', () => {
    expect(formatMoney('2.349', 2, 'down')).toBe('2.34');
    expect(formatMoney('-2.349', 2, 'down')).toBe('-2.34');
  });

  it('gives exactly the number of decimals asked for', () => {
    expect(formatMoney('12.3456', 4)).toBe('12.3456');
    expect(formatMoney('12.34565', 4)).toBe('12.3457');
    expect(formatMoney('12.5', 0)).toBe('13');
    expect(formatMoney(3, 3)).toBe('3.000');
  });

  it.each(['abc', '12,50', '1.234,56', '1e3', '', '12.', '.5', 'NaN'])(
    'refuses the non-numeric text %j with mapping.not_numeric',
    (value) => {
      expect(() => formatMoney(value)).toThrow(expect.objectContaining({ code: 'mapping.not_numeric' }));
    },
  );

  it('refuses numbers that are not finite', () => {
    expect(() => formatMoney(Number.NaN)).toThrow(expect.objectContaining({ code: 'mapping.not_numeric' }));
    expect(() => formatMoney(Infinity)).toThrow(expect.objectContaining({ code: 'mapping.not_numeric' }));
  });

  it('refuses an unknown rounding mode and impossible decimals', () => {
    expect(() => formatMoney('1', 2, 'up' as never)).toThrow(/rounding mode must be one of/);
    expect(() => formatMoney('1', -1)).toThrow(expect.objectContaining({ code: 'mapping.invalid_argument' }));
    expect(() => formatMoney('1', 1.5)).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_argument' }),
    );
  });
});

describe('formatAsCents', () => {
  it.each([
    ['12.34', '1234'],
    [12.34, '1234'],
    ['12.345', '1235'],
    ['-0.015', '-2'],
    [0, '0'],
    ['99999999999999999999.99', '9999999999999999999999'],
  ])('gives %j as %j cents', (value, expected) => {
    expect(formatAsCents(value)).toBe(expected);
  });

  it('rounds with the mode given', () => {
    expect(formatAsCents('0.125', 'half-even')).toBe('12');
    expect(formatAsCents('0.129', 'down')).toBe('12');
  });

  it('refuses non-numeric text', () => {
    expect(() => formatAsCents('twelve')).toThrow(/"twelve" is not a number or a decimal string/);
  });
});
