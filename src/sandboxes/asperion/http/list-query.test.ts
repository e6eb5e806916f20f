import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../resources/resource-descriptor.js';
import { defaultSettings } from '../settings.js';
import { ProblemError } from './problem-error.js';
import { parseListQuery } from './list-query.js';

const fields: FieldSpec[] = [
  { name: 'id', type: 'int' },
  { name: 'invoiceNumber', type: 'string' },
  { name: 'journalId', type: 'string', exact: true },
  { name: 'date', type: 'date' },
  { name: 'amountInclVat', type: 'decimal' },
  { name: 'blocked', type: 'bool' },
  { name: 'secret', type: 'int', hidden: true },
];
const parse = (query: string, settings = defaultSettings()) =>
  parseListQuery(new URLSearchParams(query), fields, settings);

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProblemError) return e;
  }
  throw new Error('expected a ProblemError');
}

describe('list query parsing', () => {
  it('defaults to the first page of 50 with no filters', () => {
    expect(parse('')).toEqual({
      pageIndex: 0,
      pageSize: 50,
      fields: undefined,
      orderBy: undefined,
      metaOnly: false,
      filters: [],
    });
  });

  it('reads 1-based pages, or 0-based when pageBase is 0', () => {
    expect(parse('page=3&pageSize=10')).toMatchObject({ pageIndex: 2, pageSize: 10 });
    expect(parse('page=0', { ...defaultSettings(), pageBase: 0 }).pageIndex).toBe(0);
    expect(Object.keys(problemOf(() => parse('page=0')).errors ?? {})).toEqual(['page']);
  });

  it('matches parameter names case-insensitively and ignores ones that name no property', () => {
    const q = parse('PAGESIZE=5&invoicenumber=2025&Colour=red&Secret=1');
    expect(q.pageSize).toBe(5);
    expect(q.filters).toHaveLength(1);
    expect(q.filters[0]).toMatchObject({ op: 'match', comparison: 'Contains', value: '2025' });
  });

  it('uses Equals for code ids and the named _comparison otherwise', () => {
    expect(parse('JournalId=70').filters[0]).toMatchObject({ comparison: 'Equals' });
    expect(parse('InvoiceNumber=20&InvoiceNumber_comparison=startswith').filters[0]).toMatchObject({
      comparison: 'StartsWith',
    });
    expect(
      Object.keys(problemOf(() => parse('InvoiceNumber=1&InvoiceNumber_comparison=Fuzzy')).errors ?? {}),
    ).toEqual(['InvoiceNumber_comparison']);
  });

  it('reads _from/_to ranges on dates and amounts, with a bare date as a whole day', () => {
    const q = parse('Date_from=2025-01-01&Date_to=2025-01-31&AmountInclVat_from=10.5');
    expect(q.filters.map((f) => [f.op, f.value])).toEqual([
      ['from', '2025-01-01T00:00:00'],
      ['to', '2025-01-31T23:59:59'],
      ['from', '10.5'],
    ]);
  });

  it('refuses ranges on text, impossible dates and non-numbers as validation problems by parameter', () => {
    const problem = problemOf(() => parse('InvoiceNumber_from=a&Date=2025-02-30&Id=x&Blocked=maybe'));
    expect(problem.status).toBe(400);
    expect(Object.keys(problem.errors ?? {}).sort()).toEqual(['Blocked', 'Date', 'Id', 'InvoiceNumber_from']);
  });

  it('reads fields, metaOnly and orderBy, refusing unknown and hidden properties', () => {
    const q = parse('fields=invoiceNumber, date&metaOnly=TRUE&orderBy=date');
    expect(q).toMatchObject({
      fields: ['invoiceNumber', 'date'],
      metaOnly: true,
      orderBy: { field: { name: 'date' }, descending: false },
    });
    expect(Object.keys(problemOf(() => parse('fields=secret&orderBy=secret')).errors ?? {}).sort()).toEqual([
      'fields',
      'orderBy',
    ]);
  });

  it('reads "Prop desc" and "-Prop" only when orderByDescending is on', () => {
    const settings = { ...defaultSettings(), orderByDescending: true };
    expect(parse('orderBy=date desc', settings).orderBy?.descending).toBe(true);
    expect(parse('orderBy=-date', settings).orderBy?.descending).toBe(true);
    expect(() => parse('orderBy=-date')).toThrow(ProblemError);
  });

  it('clamps pageSize to the maximum, or refuses it when pageSizeOverMax is reject', () => {
    expect(parse('pageSize=500').pageSize).toBe(100);
    expect(() => parse('pageSize=500', { ...defaultSettings(), pageSizeOverMax: 'reject' })).toThrow(
      ProblemError,
    );
  });
});
