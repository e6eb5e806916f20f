import { describe, expect, it } from 'vitest';
import { ibanWithCheckDigits, isValidIban, normaliseIban } from './iban.js';

describe('IBAN check (ISO 13616 mod-97)', () => {
  it('accepts well-known valid IBANs, with or without spaces and in lower case', () => {
    expect(isValidIban('NL91ABNA0417164300')).toBe(true);
    expect(isValidIban('nl91 abna 0417 1643 00')).toBe(true);
    expect(isValidIban('BE68539007547034')).toBe(true);
    expect(isValidIban('DE89370400440532013000')).toBe(true);
  });

  it('refuses a wrong check digit, a swapped digit and a wrong length for the country', () => {
    expect(isValidIban('NL92ABNA0417164300')).toBe(false);
    expect(isValidIban('NL91ABNA0417164030')).toBe(false);
    expect(isValidIban('NL91ABNA041716430')).toBe(false);
    expect(isValidIban('')).toBe(false);
    expect(isValidIban('1234')).toBe(false);
  });

  it('computes check digits that make a valid IBAN', () => {
    expect(ibanWithCheckDigits('NL', 'ABNA0417164300')).toBe('NL91ABNA0417164300');
    expect(isValidIban(ibanWithCheckDigits('NL', 'RABO0123456789'))).toBe(true);
  });

  it('normalises by dropping spaces and upper-casing', () => {
    expect(normaliseIban(' nl91 abna 0417 1643 00 ')).toBe('NL91ABNA0417164300');
  });
});
