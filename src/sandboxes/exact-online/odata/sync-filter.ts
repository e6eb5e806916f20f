import { ODataError, querySyntaxError } from '../odata-error.js';
import type { FilterToken } from './filter-tokenizer.js';
import { tokenizeFilter } from './filter-tokenizer.js';

/** What a sync `$filter` may say: a lower bound on Timestamp, and equalities on a few named fields. */
export interface SyncFilter {
  /** Rows must have a Timestamp strictly above this (from `gt n`, or `ge n` as `gt n-1`). */
  after?: bigint;
  /** `Field eq n` terms, for fields the endpoint allows besides Timestamp (`EntityType` on sync/Deleted). */
  equals: Map<string, bigint>;
}

/**
 * The text Exact gives for a filter on a field an endpoint does not filter on; captured on a bulk
 * endpoint (reference 3.4), the sync endpoints' own text is not captured, so it is reused here.
 */
export function unsupportedFilterError(fields: readonly string[]): ODataError {
  return new ODataError(400, `Filtering on these fields is not supported: ${fields.join(', ')}`);
}

/**
 * Read a sync endpoint's `$filter` (reference 5.1): only `Timestamp gt|ge <Int64>` terms joined by
 * `and` (with parentheses), plus `<field> eq <integer>` for `equalFields`. Numbers are read from
 * their text as bigint, so Timestamps past 2^53 keep every digit. A filter on another field is the
 * "not supported" 400; any other shape (or, not, functions, lt) is the query-syntax 400.
 */
export function parseSyncFilter(text: string, equalFields: readonly string[] = []): SyncFilter {
  const tokens = tokenizeFilter(text);
  const filter: SyncFilter = { equals: new Map() };
  const unsupported: string[] = [];
  let i = 0;
  const peek = (): FilterToken | undefined => tokens[i];
  const isWord = (t: FilterToken | undefined, word: string) =>
    t?.kind === 'name' && t.text.toLowerCase() === word;

  const term = (): void => {
    const t = peek();
    if (t?.kind === 'open') {
      i += 1;
      conjunction();
      if (peek()?.kind !== 'close') throw querySyntaxError();
      i += 1;
      return;
    }
    const field = tokens[i];
    const op = tokens[i + 1];
    const value = tokens[i + 2];
    i += 3;
    if (field?.kind !== 'name' || op?.kind !== 'name') throw querySyntaxError();
    const operator = op.text.toLowerCase();
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator) || value === undefined)
      throw querySyntaxError();
    if (field.text === 'Timestamp') {
      if ((operator !== 'gt' && operator !== 'ge') || value.kind !== 'number') throw querySyntaxError();
      const n = integer(value.text);
      const after = operator === 'gt' ? n : n - 1n;
      filter.after = filter.after === undefined || after > filter.after ? after : filter.after;
      return;
    }
    if (equalFields.includes(field.text)) {
      if (operator !== 'eq' || value.kind !== 'number') throw querySyntaxError();
      filter.equals.set(field.text, integer(value.text));
      return;
    }
    unsupported.push(field.text);
  };

  const conjunction = (): void => {
    term();
    while (isWord(peek(), 'and')) {
      i += 1;
      term();
    }
  };

  conjunction();
  if (i !== tokens.length) throw querySyntaxError();
  if (unsupported.length > 0) throw unsupportedFilterError(unsupported);
  return filter;
}

/** An Int64 literal, `123` or `123L` (reference 4.4). */
function integer(text: string): bigint {
  const m = /^(\d+)L?$/i.exec(text);
  if (!m) throw querySyntaxError();
  return BigInt(m[1] ?? '');
}
