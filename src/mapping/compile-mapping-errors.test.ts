import { describe, expect, it } from 'vitest';
import { KoppelError } from '../core/errors.js';
import { compileMapping } from './compile-mapping.js';
import type { FieldError, MappingDefinition } from './types.js';

function compileError(def: MappingDefinition): KoppelError {
  try {
    compileMapping(def);
  } catch (e) {
    if (e instanceof KoppelError) return e;
    throw e;
  }
  throw new Error('expected the mapping not to compile');
}

function listed(error: KoppelError): FieldError[] {
  return error.details?.['errors'] as FieldError[];
}

describe('compileMapping: definitions that do not compile', () => {
  it('lists every expression that does not parse, with field, expression and JSONata position', () => {
    const error = compileError({
      fields: {
        ok: { expr: '$uppercase(Name)' },
        total: { expr: 'Amount +' },
        name: { source: 'Name' },
        call: { expr: "$lookup('vat', VATCode" },
      },
    });
    expect(error.code).toBe('mapping.invalid_expression');
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'Mapping does not compile (2 problems): ' +
        'field "total" (expr Amount +): S0207 at position 8: Unexpected end of expression; ' +
        'field "call" (expr $lookup(\'vat\', VATCode): S0203 at position 22: Expected ")" before end of expression',
    );
    expect(listed(error)).toEqual([
      {
        field: 'total',
        expression: 'Amount +',
        message: 'S0207 at position 8: Unexpected end of expression',
        code: 'mapping.invalid_expression',
        origin: 'expr',
      },
      {
        field: 'call',
        expression: "$lookup('vat', VATCode",
        message: 'S0203 at position 22: Expected ")" before end of expression',
        code: 'mapping.invalid_expression',
        origin: 'expr',
      },
    ]);
  });

  it('reports a field naming a value map that does not exist', () => {
    const error = compileError({
      fields: { vat: { source: 'VATCode', valueMap: 'btw' } },
      valueMaps: { vat: { entries: {} } },
    });
    expect(error.code).toBe('mapping.unknown_value_map');
    expect(error.message).toBe(
      'Mapping does not compile (1 problem): field "vat" (source VATCode): value map "btw" is not defined in valueMaps',
    );
  });

  it('reports all kinds of problems at once, the code saying a bad expression is among them', () => {
    const error = compileError({
      fields: {
        a: { source: 'x', valueMap: 'nope' },
        b: { source: 'Lines[x]' },
        c: { expr: '(' },
        'd..e': { source: 'x' },
        f: {},
      },
    });
    expect(error.code).toBe('mapping.invalid_expression');
    expect(listed(error).map((e) => [e.field, e.code])).toEqual([
      ['a', 'mapping.unknown_value_map'],
      ['b', 'mapping.invalid_path'],
      ['c', 'mapping.invalid_expression'],
      ['d..e', 'mapping.invalid_target'],
      ['f', 'mapping.empty_field'],
    ]);
  });

  it('refuses a target field that is also the parent of another', () => {
    const error = compileError({ fields: { address: { source: 'A' }, 'address.street': { source: 'S' } } });
    expect(error.code).toBe('mapping.overlapping_fields');
    expect(error.message).toContain('field "address.street" (source S): overlaps field "address"');
  });

  it('refuses target names that would reach the object prototype', () => {
    const error = compileError({ fields: { '__proto__.polluted': { default: true } } });
    expect(error.code).toBe('mapping.invalid_target');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses limits that are not positive numbers', () => {
    expect(() => compileMapping({ fields: {} }, { maxSteps: 0 })).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_option' }),
    );
    expect(() => compileMapping({ fields: {} }, { maxDepth: Number.NaN })).toThrow(
      /maxDepth must be a positive/,
    );
  });
});
