import { describe, expect, it } from 'vitest';
import { isSourcePath, parseSourcePath, readSourcePath } from './read-source-path.js';

const record = {
  ID: 'a1',
  Customer: { Email: 'info@acme.nl', Name: null, 'Trade Name': 'Acme' },
  Lines: [{ Item: 'X1', Tags: ['a', 'b'] }, { Item: 'X2' }],
  Matrix: [[1, 2], [3]],
};

function read(path: string): unknown {
  const steps = parseSourcePath(path);
  if (!Array.isArray(steps)) throw new Error(steps.problem);
  return readSourcePath(record, steps);
}

describe('parseSourcePath', () => {
  it('splits names and array indices into steps', () => {
    expect(parseSourcePath('Lines[0].Item')).toEqual(['Lines', 0, 'Item']);
    expect(parseSourcePath('Matrix[1][0]')).toEqual(['Matrix', 1, 0]);
    expect(parseSourcePath('[2].Name')).toEqual([2, 'Name']);
    expect(parseSourcePath(' Customer.Email ')).toEqual(['Customer', 'Email']);
  });

  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a[0', 'a]', 'a.[0]', 'a[-1]'])(
    'reports %j as not a path',
    (path) => {
      expect(parseSourcePath(path)).toHaveProperty('problem');
    },
  );
});

describe('readSourcePath', () => {
  it('reads top-level and nested values', () => {
    expect(read('ID')).toBe('a1');
    expect(read('Customer.Email')).toBe('info@acme.nl');
    expect(read('Customer.Trade Name')).toBe('Acme');
  });

  it('reads array elements by index', () => {
    expect(read('Lines[1].Item')).toBe('X2');
    expect(read('Lines[0].Tags[1]')).toBe('b');
    expect(read('Matrix[1][0]')).toBe(3);
  });

  it('gives undefined for missing keys, indices out of range and steps through scalars', () => {
    expect(read('Nope')).toBeUndefined();
    expect(read('Customer.Phone')).toBeUndefined();
    expect(read('Lines[5].Item')).toBeUndefined();
    expect(read('ID.length')).toBeUndefined();
    expect(read('Customer.Name.First')).toBeUndefined();
  });

  it('keeps null as null', () => {
    expect(read('Customer.Name')).toBeNull();
  });

  it('does not reach into arrays by name or into inherited properties', () => {
    expect(read('Lines.Item')).toBeUndefined();
    expect(read('Lines[0].constructor')).toBeUndefined();
    expect(read('Customer.toString')).toBeUndefined();
    expect(read('Customer.__proto__')).toBeUndefined();
  });

  it('reads from a non-object record without failing', () => {
    expect(readSourcePath(null, ['a'])).toBeUndefined();
    expect(readSourcePath('text', ['a'])).toBeUndefined();
  });
});

describe('isSourcePath', () => {
  it('tells plain paths from expressions', () => {
    expect(isSourcePath('Customer.Email')).toBe(true);
    expect(isSourcePath('Lines[0].Item')).toBe(true);
    expect(isSourcePath("$lookup('vat', VATCode)")).toBe(false);
    expect(isSourcePath('Amount * 2')).toBe(false);
  });
});
