import { describe, expect, it } from 'vitest';
import { compileMapping } from './compile-mapping.js';
import type { MappingDefinition } from './types.js';

const record = {
  ID: 'a1',
  Name: 'Acme BV',
  AddressLine1: 'Keizersgracht 123-2',
  Lines: [
    { Item: 'X1', Amount: 12.5 },
    { Item: 'X2', Amount: '7.255' },
  ],
  Total: '19.755',
  Modified: '/Date(1700000000000)/',
};

async function map(def: MappingDefinition, input: Record<string, unknown> = record) {
  return compileMapping(def).apply(input);
}

describe('compileMapping: expressions', () => {
  it('lets the expression win over the source path', async () => {
    const result = await map({ fields: { name: { source: 'ID', expr: '$uppercase(Name)' } } });
    expect(result.output).toEqual({ name: 'ACME BV' });
  });

  it('offers the built-in transforms as JSONata functions', async () => {
    const result = await map({
      fields: {
        street: { expr: '$splitStreet(AddressLine1)' },
        line: { expr: "$joinStreet('Keizersgracht', '123', 'A')" },
        total: { expr: '$money(Total)' },
        totalEven: { expr: "$money(Total, 2, 'half-even')" },
        cents: { expr: '$cents(Lines[0].Amount)' },
        modified: { expr: '$exactDate(Modified)' },
        local: { expr: "$toTimeZone($exactDate(Modified), 'Europe/Amsterdam')" },
        day: { expr: '$localDate(Modified)' },
        utc: { expr: "$fromLocal('2026-03-29T02:30:00', 'Europe/Amsterdam')" },
      },
    });
    expect(result).toEqual({
      output: {
        street: { street: 'Keizersgracht', houseNumber: '123', addition: '2' },
        line: 'Keizersgracht 123A',
        total: '19.76',
        totalEven: '19.76',
        cents: '1250',
        modified: '2023-11-14T22:13:20.000Z',
        local: '2023-11-14T23:13:20',
        day: '2023-11-14',
        utc: '2026-03-29T01:30:00.000Z',
      },
      errors: [],
    });
  });

  it('gives nothing from a transform of a missing value, so the default applies', async () => {
    const result = await map({
      fields: {
        amount: { expr: '$money(Nope)', default: '0.00' },
        street: { expr: '$splitStreet(Nope).street' },
      },
    });
    expect(result).toEqual({ output: { amount: '0.00' }, errors: [] });
  });

  it('reports non-numeric input to $money as a field error', async () => {
    const result = await map({ fields: { amount: { expr: '$money(Name)' }, id: { source: 'ID' } } });
    expect(result.output).toEqual({ id: 'a1' });
    expect(result.errors).toEqual([
      {
        field: 'amount',
        expression: '$money(Name)',
        message:
          '"Acme BV" is not a number or a decimal string like "1234.56" (no thousands separators, \'.\' for decimals)',
        code: 'mapping.not_numeric',
        origin: 'expr',
      },
    ]);
  });

  it('reports a JSONata evaluation error with its code and position, and maps the other fields', async () => {
    const result = await map({
      fields: { a: { expr: 'Name + 1' }, b: { source: 'ID' }, c: { expr: '$money(Lines[1].Amount)' } },
    });
    expect(result.output).toEqual({ b: 'a1', c: '7.26' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ field: 'a', code: 'mapping.expression_failed' });
    expect(result.errors[0]?.message).toMatch(/^T2001 at position \d+: /);
  });

  it('returns plain arrays and objects, not JSONata sequences', async () => {
    const result = await map({
      fields: { items: { expr: 'Lines.Item' }, obj: { expr: '{"items": Lines.Item}' } },
    });
    expect(result.output).toEqual({ items: ['X1', 'X2'], obj: { items: ['X1', 'X2'] } });
    expect(Object.keys(result.output['items'] as object)).toEqual(['0', '1']);
    expect(JSON.parse(JSON.stringify(result.output))).toEqual(result.output);
  });

  it('reports an expression that gives a function instead of a value', async () => {
    const result = await map({ fields: { f: { expr: '$uppercase' } } });
    expect(result.errors).toEqual([
      expect.objectContaining({
        field: 'f',
        code: 'mapping.expression_failed',
        message: expect.stringMatching(/function/),
      }),
    ]);
  });

  it('maps many records with one compiled mapping, also at the same time', async () => {
    const mapping = compileMapping({ fields: { n: { expr: 'n * 2' }, id: { source: 'id' } } });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => mapping.apply({ id: String(n), n })),
    );
    expect(results.map((r) => r.output)).toEqual(
      Array.from({ length: 50 }, (_, n) => ({ n: n * 2, id: String(n) })),
    );
  });

  it('lists the target fields in definition order', () => {
    const mapping = compileMapping({
      fields: { b: { source: 'x' }, a: { expr: 'y' }, 'c.d': { default: 1 } },
    });
    expect(mapping.fields).toEqual(['b', 'a', 'c.d']);
  });
});
