import { describe, expect, it } from 'vitest';
import { compileMapping } from './compile-mapping.js';
import type { MappingDefinition } from './types.js';

const record = {
  ID: 'a1',
  Name: 'Acme BV',
  Customer: { Email: 'info@acme.nl', Phone: null, Fax: '' },
  AddressLine1: 'Keizersgracht 123-2',
  Lines: [
    { Item: 'X1', Amount: 12.5 },
    { Item: 'X2', Amount: '7.255' },
  ],
  VATCode: 2,
  Blocked: false,
  Count: 0,
  Modified: '/Date(1700000000000)/',
};

async function map(def: MappingDefinition, input: Record<string, unknown> = record) {
  return compileMapping(def).apply(input);
}

describe('compileMapping: source paths', () => {
  it('copies values found at plain and indexed paths', async () => {
    const result = await map({
      fields: {
        id: { source: 'ID' },
        email: { source: 'Customer.Email' },
        firstItem: { source: 'Lines[0].Item' },
        secondAmount: { source: 'Lines[1].Amount' },
      },
    });
    expect(result).toEqual({
      output: { id: 'a1', email: 'info@acme.nl', firstItem: 'X1', secondAmount: '7.255' },
      errors: [],
    });
  });

  it('builds nested output from dotted target names', async () => {
    const result = await map({
      fields: {
        'address.street': { expr: '$splitStreet(AddressLine1).street' },
        'address.houseNumber': { expr: '$splitStreet(AddressLine1).houseNumber' },
        'address.country.code': { default: 'NL' },
        name: { source: 'Name' },
      },
    });
    expect(result.output).toEqual({
      address: { street: 'Keizersgracht', houseNumber: '123', country: { code: 'NL' } },
      name: 'Acme BV',
    });
  });

  it('leaves a field without value out of the output, and writes null and empty text as they are', async () => {
    const result = await map({
      fields: {
        missing: { source: 'Nope' },
        phone: { source: 'Customer.Phone' },
        fax: { source: 'Customer.Fax' },
      },
    });
    expect(result.output).toEqual({ phone: null, fax: '' });
    expect('missing' in result.output).toBe(false);
  });

  it('keeps false and 0, which are values', async () => {
    const result = await map({
      fields: { blocked: { source: 'Blocked', default: true }, count: { source: 'Count', default: 9 } },
    });
    expect(result.output).toEqual({ blocked: false, count: 0 });
  });
});

describe('compileMapping: defaults and required fields', () => {
  it('uses the default when the value is undefined, null or empty text', async () => {
    const result = await map({
      fields: {
        a: { source: 'Nope', default: 'x' },
        b: { source: 'Customer.Phone', default: 'y' },
        c: { source: 'Customer.Fax', default: 'z' },
        d: { expr: 'Nope', default: 'w' },
        e: { default: 42 },
      },
    });
    expect(result.output).toEqual({ a: 'x', b: 'y', c: 'z', d: 'w', e: 42 });
  });

  it('gives every record its own copy of an object default', async () => {
    const mapping = compileMapping({ fields: { tags: { default: { list: ['a'] } } } });
    const first = await mapping.apply({});
    ((first.output['tags'] as { list: string[] }).list as string[]).push('changed');
    const second = await mapping.apply({});
    expect(second.output).toEqual({ tags: { list: ['a'] } });
  });

  it('reports a required field without value and maps the others', async () => {
    const result = await map({
      fields: {
        name: { source: 'Name', required: true },
        phone: { source: 'Customer.Phone', required: true },
        fax: { expr: 'Customer.Fax', required: true },
      },
    });
    expect(result.output).toEqual({ name: 'Acme BV' });
    expect(result.errors).toEqual([
      {
        field: 'phone',
        expression: 'Customer.Phone',
        message: 'required value is missing',
        code: 'mapping.required_missing',
        origin: 'source',
      },
      {
        field: 'fax',
        expression: 'Customer.Fax',
        message: 'required value is missing',
        code: 'mapping.required_missing',
        origin: 'expr',
      },
    ]);
  });

  it('treats text of only whitespace as blank: a required field refuses it, a default replaces it', async () => {
    const result = await map(
      {
        fields: {
          name: { source: 'Name', required: true },
          city: { source: 'City', required: true },
          note: { source: 'Note', default: '-' },
          code: { source: 'Code', required: true },
        },
      },
      { Name: '   ', City: '\t\n', Note: '  ', Code: ' A1 ' },
    );
    expect(result.output).toEqual({ note: '-', code: ' A1 ' });
    expect(result.errors.map((e) => [e.field, e.code, e.message])).toEqual([
      ['name', 'mapping.required_missing', 'required value is blank (only spaces): fill it in at the source'],
      ['city', 'mapping.required_missing', 'required value is blank (only spaces): fill it in at the source'],
    ]);
  });

  it('accepts a required field that gets its value from the default', async () => {
    const result = await map({
      fields: { phone: { source: 'Customer.Phone', required: true, default: '-' } },
    });
    expect(result).toEqual({ output: { phone: '-' }, errors: [] });
  });
});

describe('compileMapping: value maps', () => {
  const valueMaps = {
    vat: { entries: { '1': 'VH', '2': 'VL' } },
    country: { entries: { NL: 'Nederland' }, fallback: 'Overig' },
  };

  it('looks the value up, comparing keys as text', async () => {
    const result = await map({ fields: { vat: { source: 'VATCode', valueMap: 'vat' } }, valueMaps });
    expect(result.output).toEqual({ vat: 'VL' });
  });

  it('uses the fallback for an unknown key', async () => {
    const result = await map({ fields: { c: { source: 'Name', valueMap: 'country' } }, valueMaps });
    expect(result.output).toEqual({ c: 'Overig' });
  });

  it('reports an unknown key without fallback, naming the key and the map', async () => {
    const result = await map({ fields: { vat: { source: 'Name', valueMap: 'vat' } }, valueMaps });
    expect(result.output).toEqual({});
    expect(result.errors).toEqual([
      expect.objectContaining({
        field: 'vat',
        code: 'mapping.value_unmapped',
        message: 'value "Acme BV" has no entry in value map "vat" and the map has no fallback',
      }),
    ]);
  });

  it('looks up the default too, and leaves an empty value alone', async () => {
    const result = await map({
      fields: {
        a: { source: 'Nope', default: 'NL', valueMap: 'country' },
        b: { source: 'Customer.Phone', valueMap: 'vat' },
      },
      valueMaps,
    });
    expect(result).toEqual({ output: { a: 'Nederland', b: null }, errors: [] });
  });

  it('offers the value maps inside expressions as $lookup(name, key)', async () => {
    const result = await map({
      fields: {
        vat: { expr: "$lookup('vat', VATCode)" },
        country: { expr: "$lookup('country', 'BE')" },
        nothing: { expr: "$lookup('vat', Nope)" },
      },
      valueMaps,
    });
    expect(result).toEqual({ output: { vat: 'VL', country: 'Overig' }, errors: [] });
  });

  it('reports $lookup of an unknown key or an unknown map as a field error', async () => {
    const result = await map({
      fields: { a: { expr: "$lookup('vat', 'x')" }, b: { expr: "$lookup('nope', 1)" }, c: { source: 'ID' } },
      valueMaps,
    });
    expect(result.output).toEqual({ c: 'a1' });
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ['a', 'mapping.value_unmapped'],
      ['b', 'mapping.unknown_value_map'],
    ]);
  });

  it("keeps JSONata's own $lookup(object, key) working", async () => {
    const result = await map({
      fields: { email: { expr: "$lookup(Customer, 'Email')" }, items: { expr: "$lookup(Lines, 'Item')" } },
    });
    expect(result.output).toEqual({ email: 'info@acme.nl', items: ['X1', 'X2'] });
  });
});
