import { describe, expect, it } from 'vitest';
import { describeFieldError, mappingFailure } from './mapping-error.js';
import type { FieldError } from './types.js';

const missingEmail: FieldError = {
  field: 'email',
  expression: 'Customer.Email',
  message: 'required value is missing',
  code: 'mapping.required_missing',
  origin: 'source',
};
const unmappedVat: FieldError = {
  field: 'vat',
  expression: "$lookup('vat', VATCode)",
  message: 'value "9" has no entry in value map "vat" and the map has no fallback',
  code: 'mapping.value_unmapped',
  origin: 'expr',
};

describe('mappingFailure', () => {
  it('names the record, and every field with its source or expression', () => {
    const error = mappingFailure([missingEmail, unmappedVat], '42');
    expect(error.message).toBe(
      'Record 42: field "email" (source Customer.Email): required value is missing; ' +
        'field "vat" (expr $lookup(\'vat\', VATCode)): value "9" has no entry in value map "vat" and the map has no fallback',
    );
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('mapping.required_missing');
    expect(error.details).toEqual({ sourceId: '42', errors: [missingEmail, unmappedVat] });
  });

  it('uses mapping.failed when there are no field errors', () => {
    expect(mappingFailure([], 'x').code).toBe('mapping.failed');
  });
});

describe('describeFieldError', () => {
  it('tells paths from expressions when the origin is not given', () => {
    expect(describeFieldError({ ...missingEmail, origin: undefined })).toBe(
      'field "email" (source Customer.Email): required value is missing',
    );
    expect(describeFieldError({ ...unmappedVat, origin: undefined })).toMatch(/^field "vat" \(expr \$lookup/);
  });

  it('names a field that has only a default', () => {
    expect(
      describeFieldError({ field: 'c', expression: '', message: 'm', code: 'x', origin: 'default' }),
    ).toBe('field "c" (default): m');
  });

  it('names only the field when there is no expression', () => {
    expect(describeFieldError({ field: '(record)', expression: '', message: 'm', code: 'x' })).toBe(
      'field "(record)": m',
    );
  });

  it('shows a long expression on one line and cut short', () => {
    const expression = `(\n  $a := ${'x'.repeat(200)};\n  $a\n)`;
    const text = describeFieldError({ field: 'f', expression, message: 'm', code: 'x', origin: 'expr' });
    expect(text).not.toContain('\n');
    expect(text).toMatch(/^field "f" \(expr \( \$a := x+…\): m$/);
    expect(text.length).toBeLessThan(160);
  });
});
