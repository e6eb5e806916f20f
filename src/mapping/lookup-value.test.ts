import { describe, expect, it } from 'vitest';
import { compileValueMap, lookupValue } from './lookup-value.js';

const vat = compileValueMap('vat', { entries: { '1': 'high', '2': 'low', true: 'yes', '': 'blank' } });
const countries = compileValueMap('countries', { entries: { NL: 'Nederland' }, fallback: 'Buitenland' });

describe('lookupValue', () => {
  it('finds an entry by the text of the key', () => {
    expect(lookupValue(vat, '1')).toBe('high');
    expect(lookupValue(vat, 1)).toBe('high');
    expect(lookupValue(vat, 2.0)).toBe('low');
    expect(lookupValue(vat, true)).toBe('yes');
  });

  it('gives the fallback for an unknown key when the map has one', () => {
    expect(lookupValue(countries, 'BE')).toBe('Buitenland');
    expect(lookupValue(countries, 'NL')).toBe('Nederland');
  });

  it('fails with the key and the map name for an unknown key without fallback', () => {
    expect(() => lookupValue(vat, '9')).toThrow(
      expect.objectContaining({
        code: 'mapping.value_unmapped',
        message: 'value "9" has no entry in value map "vat" and the map has no fallback',
      }),
    );
  });

  it('does not find prototype names as entries', () => {
    expect(() => lookupValue(vat, 'constructor')).toThrow(/no entry in value map "vat"/);
    expect(lookupValue(countries, '__proto__')).toBe('Buitenland');
  });

  it('refuses objects and lists as keys', () => {
    expect(() => lookupValue(countries, { a: 1 })).toThrow(
      /an object cannot be looked up in value map "countries"/,
    );
    expect(() => lookupValue(countries, [1])).toThrow(/a list cannot be looked up/);
  });

  it('treats a null fallback as a fallback', () => {
    const map = compileValueMap('m', { entries: {}, fallback: null });
    expect(lookupValue(map, 'x')).toBeNull();
  });
});
