import { describe, expect, it } from 'vitest';
import { defineEntity } from '../entities/entity-descriptor.js';
import { ODataError } from '../odata-error.js';
import { checkEndpointRules } from './collection-page.js';
import { readQueryOptions } from './query-options.js';

// A newer-style endpoint: no $skip, and "add a $select or a $top=1" when unfiltered (reference 4.3, 4.4).
const journalEntries = defineEntity({
  path: 'generaljournalentry/GeneralJournalEntries',
  typeName: 'Exact.Web.Api.Models.GeneralJournalEntry',
  methods: ['GET'],
  pageSize: 60,
  skipAllowed: false,
  requiresSelectOrTop: true,
  fieldList: 'EntryID:Guid[KP], JournalCode:String[P!], Description:String[PU]',
});

function rulesError(query: string): ODataError | undefined {
  try {
    checkEndpointRules(journalEntries, readQueryOptions(new URLSearchParams(query), journalEntries));
  } catch (e) {
    if (e instanceof ODataError) return e;
    throw e;
  }
  return undefined;
}

describe('endpoint query rules', () => {
  it('asks for $select or $top=1 on an unfiltered, unselected GET', () => {
    expect(rulesError('')?.message).toBe('Please add a $select or a $top=1 statement to the query string.');
    expect(rulesError('$top=5')?.status).toBe(400);
  });

  it('accepts the same GET with $select, $top=1 or a filter', () => {
    expect(rulesError('$select=EntryID')).toBeUndefined();
    expect(rulesError('$top=1')).toBeUndefined();
    expect(rulesError("$filter=JournalCode eq '70'")).toBeUndefined();
  });

  it('refuses $skip on endpoints that do not support it', () => {
    expect(rulesError('$select=EntryID&$skip=60')?.status).toBe(400);
  });

  it('reads child selects only for expanded collections', () => {
    const orders = defineEntity({
      path: 'x/Orders',
      typeName: 'X.Order',
      methods: ['GET'],
      pageSize: 60,
      skipAllowed: true,
      fieldList: 'OrderID:Guid[K], Lines:Lines',
      children: {
        Lines: {
          path: 'x/Lines',
          typeName: 'X.Line',
          parentKey: 'OrderID',
          fieldList: 'ID:Guid[K], Amount:Double',
        },
      },
    });
    const options = readQueryOptions(
      new URLSearchParams('$expand=Lines&$select=OrderID,Lines/Amount'),
      orders,
    );
    expect([...(options.childSelect.get('Lines') ?? [])]).toEqual(['Amount']);
    expect(() => readQueryOptions(new URLSearchParams('$select=Lines/Amount'), orders)).toThrow(ODataError);
  });
});
