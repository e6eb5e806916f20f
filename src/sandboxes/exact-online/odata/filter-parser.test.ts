import { describe, expect, it } from 'vitest';
import { ODataError } from '../odata-error.js';
import { parseFilter } from './filter-parser.js';

function syntaxErrorOf(text: string): unknown {
  try {
    parseFilter(text);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseFilter', () => {
  it('parses a comparison of a field with a string literal', () => {
    expect(parseFilter("Name eq 'Exact Online'")).toEqual({
      kind: 'compare',
      op: 'eq',
      left: { kind: 'field', name: 'Name' },
      right: { kind: 'literal', literal: { type: 'string', value: 'Exact Online' } },
    });
  });

  it('reads a doubled quote inside a string as one quote', () => {
    expect(parseFilter("Name eq 'O''Brien'")).toMatchObject({ right: { literal: { value: "O'Brien" } } });
  });

  it('reads guid literals in lower case', () => {
    expect(parseFilter("ID eq guid'12345678-AAAA-bbbb-cccc-ddddeeeeffff'")).toMatchObject({
      right: { literal: { type: 'guid', value: '12345678-aaaa-bbbb-cccc-ddddeeeeffff' } },
    });
  });

  it('reads datetime literals with and without time', () => {
    expect(parseFilter("Modified ge datetime'2026-01-01T00:00'")).toMatchObject({
      right: { literal: { type: 'datetime', value: '2026-01-01T00:00' } },
    });
    expect(parseFilter("Modified ge datetime'2015-01-01'")).toMatchObject({
      right: { literal: { type: 'datetime' } },
    });
  });

  it('reads Int64 literals with and without the L suffix', () => {
    expect(parseFilter('Timestamp gt 123456789L')).toMatchObject({
      right: { literal: { type: 'number', value: 123456789 } },
    });
    expect(parseFilter('Timestamp gt 123456789')).toMatchObject({ right: { literal: { value: 123456789 } } });
  });

  it('reads decimals, negatives, booleans and null', () => {
    expect(parseFilter('Price gt -1.5')).toMatchObject({ right: { literal: { value: -1.5 } } });
    expect(parseFilter('Blocked eq false')).toMatchObject({
      right: { literal: { type: 'boolean', value: false } },
    });
    expect(parseFilter('Email eq null')).toMatchObject({ right: { literal: { type: 'null' } } });
  });

  it('gives and a higher precedence than or', () => {
    const node = parseFilter('A eq 1 or B eq 2 and C eq 3');
    expect(node).toMatchObject({ kind: 'or', right: { kind: 'and' } });
  });

  it('lets parentheses override precedence', () => {
    const node = parseFilter('(A eq 1 or B eq 2) and C eq 3');
    expect(node).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('parses not over a parenthesised expression and over a function', () => {
    expect(parseFilter('not (A eq 1)')).toMatchObject({ kind: 'not', operand: { kind: 'compare' } });
    expect(parseFilter("not startswith(Name, 'X')")).toMatchObject({
      kind: 'not',
      operand: { kind: 'call' },
    });
  });

  it('parses substringof with the needle first, as OData v2 orders it', () => {
    expect(parseFilter("substringof('GmbH', Name) eq true")).toMatchObject({
      kind: 'compare',
      left: {
        kind: 'call',
        name: 'substringof',
        args: [{ kind: 'literal' }, { kind: 'field', name: 'Name' }],
      },
    });
  });

  it('parses nested functions', () => {
    expect(parseFilter("tolower(trim(Code)) eq 'abc'")).toMatchObject({
      left: { kind: 'call', name: 'tolower', args: [{ kind: 'call', name: 'trim' }] },
    });
  });

  it('keeps chained and clauses left-associative', () => {
    expect(parseFilter('A eq 1 and B eq 2 and C eq 3')).toMatchObject({ kind: 'and', left: { kind: 'and' } });
  });

  it.each([
    "Name eq 'unterminated",
    'Name eq',
    'eq 1',
    '(A eq 1',
    'A eq 1)',
    'A eq 1 B eq 2',
    "unknownfunc(Name) eq 'x'",
    "substringof('x') eq true",
    "trim(Code, Name) eq 'x'",
    "ID eq guid'not-a-guid'",
    'A == 1',
    'A eq 1 and',
    'A eq #',
    '',
  ])('refuses %j with the query-syntax error', (text) => {
    const error = syntaxErrorOf(text);
    expect(error).toBeInstanceOf(ODataError);
    expect((error as ODataError).status).toBe(400);
    expect((error as ODataError).message).toBe('Bad Request - Error in query syntax.');
  });
});
