import { describe, expect, it } from 'vitest';
import type { ScalarType, StoredRow } from '../entities/field-types.js';
import { ODataError } from '../odata-error.js';
import { checkFilter, letterForLetter, matchesFilter, type StringComparison } from './filter-evaluator.js';
import { parseFilter } from './filter-parser.js';

const fields = new Map<string, ScalarType>([
  ['ID', 'Guid'],
  ['Code', 'String'],
  ['Name', 'String'],
  ['Email', 'String'],
  ['Blocked', 'Boolean'],
  ['IsWebshopItem', 'Byte'],
  ['Price', 'Double'],
  ['Timestamp', 'Int64'],
  ['Modified', 'DateTime'],
]);

const row: StoredRow = {
  ID: '5b3d0c4e-1111-4222-8333-444455556666',
  Code: '                25',
  Name: "O'Brien Fietsen GmbH",
  Email: null,
  Blocked: false,
  IsWebshopItem: 1,
  Price: 12.5,
  Timestamp: 1005,
  Modified: '2026-01-15T10:30:00.000',
};

function matches(text: string): boolean {
  const node = parseFilter(text);
  checkFilter(node, fields);
  return matchesFilter(node, row, fields);
}

describe('filter evaluation', () => {
  it.each([
    ["Name eq 'O''Brien Fietsen GmbH'", true],
    ["Name ne 'O''Brien Fietsen GmbH'", false],
    ["Code eq '25'", false],
    ["trim(Code) eq '25'", true],
    ["substringof('GmbH', Name) eq true", true],
    ["substringof('BV', Name) eq true", false],
    ["substringof('GmbH', Name)", true],
    ["startswith(Name, 'O''Brien')", true],
    ["endswith(Name, 'GmbH') eq true", true],
    ["endswith(Name, 'BV')", false],
    ["tolower(Name) eq 'o''brien fietsen gmbh'", true],
    ["toupper(Name) eq 'O''BRIEN FIETSEN GMBH'", true],
    ["ID eq guid'5B3D0C4E-1111-4222-8333-444455556666'", true],
    ['Blocked eq false', true],
    ['not (Blocked eq true)', true],
    ['IsWebshopItem eq 1', true],
    ['IsWebshopItem eq true', true],
    ['Price gt 12', true],
    ['Price ge 12.5', true],
    ['Price lt 12.5', false],
    ['Price le 12.5', true],
    ['Timestamp gt 1004L', true],
    ['Timestamp gt 1005', false],
    ["Modified ge datetime'2026-01-15T10:30'", true],
    ["Modified gt datetime'2026-01-15T10:30:00'", false],
    ["Modified lt datetime'2026-01-16'", true],
    ['Email eq null', true],
    ['Email ne null', false],
    ["Email eq 'x'", false],
    ["Email gt 'a'", false],
    ["Price gt 100 or startswith(Name, 'O')", true],
    ["Price gt 100 and startswith(Name, 'O')", false],
    ["(Price gt 100 or Blocked eq false) and trim(Code) eq '25'", true],
    // Chains of equalities on one field are looked up as a set; the answers stay the comparisons'.
    [
      "ID eq guid'00000000-0000-4000-8000-000000000001' or ID eq guid'5B3D0C4E-1111-4222-8333-444455556666'",
      true,
    ],
    [
      "ID eq guid'00000000-0000-4000-8000-000000000001' or ID eq guid'00000000-0000-4000-8000-000000000002'",
      false,
    ],
    ['Price eq 1 or Price eq 12.5 or 3 eq Price', true],
    ['Timestamp eq 1 or Timestamp eq 2', false],
    ["Email eq 'x' or Email eq null", true],
    ["Modified eq datetime'2026-01-15T10:30' or Modified eq datetime'2026-01-16'", true],
    ['IsWebshopItem eq 5 or IsWebshopItem eq true', true],
    ["Price eq 1 or Name eq 'O''Brien Fietsen GmbH'", true],
    ["(ID eq guid'00000000-0000-4000-8000-000000000001' or Price eq 12.5) and Blocked eq false", true],
  ])('%s → %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
  });

  it('reports the fields a filter uses, for mandatory filtering', () => {
    expect([...checkFilter(parseFilter("trim(Code) eq '25' and Blocked eq false"), fields)]).toEqual([
      'Code',
      'Blocked',
    ]);
  });

  it.each([
    "Unknown eq 'x'",
    'Name eq 5',
    "ID eq '5b3d0c4e-1111-4222-8333-444455556666'",
    "Price eq 'x'",
    'Name eq Code',
    "Modified ge datetime'yesterday'",
    'Price',
    "trim(Price) eq '1'",
    'Blocked eq false and Name',
  ])('refuses %j with the query-syntax error', (text) => {
    expect(() => checkFilter(parseFilter(text), fields)).toThrow(ODataError);
    expect(() => checkFilter(parseFilter(text), fields)).toThrow('Bad Request - Error in query syntax.');
  });
});

describe('string comparisons and case (Exact: the database collation ignores case)', () => {
  const mail: StoredRow = { ...row, Email: 'Verkoop@Fietsen.nl' };
  const ignoring: StringComparison = { caseInsensitive: true, caseSensitiveFields: [] };
  const exceptEmail: StringComparison = { caseInsensitive: true, caseSensitiveFields: ['Email'] };
  function matchesWith(text: string, strings: StringComparison): boolean {
    const node = parseFilter(text);
    checkFilter(node, fields);
    return matchesFilter(node, mail, fields, strings);
  }

  it.each([
    ["Email eq 'verkoop@fietsen.nl'", true, false, false],
    ["Email ne 'verkoop@fietsen.nl'", false, true, true],
    ["Email eq 'Verkoop@Fietsen.nl'", true, true, true],
    ["startswith(Email, 'verkoop@')", true, false, false],
    ["endswith(Email, 'FIETSEN.NL')", true, false, false],
    ["substringof('fietsen', Email)", true, false, false],
    ["Email lt 'VERKOOP@Z'", true, false, false],
    ["Email eq 'x' or Email eq 'verkoop@fietsen.nl'", true, false, false],
    // tolower/toupper answer the value itself; the comparison around them still ignores case.
    ["toupper(Email) eq 'VERKOOP@FIETSEN.NL'", true, true, true],
    ["tolower(Email) eq 'VERKOOP@FIETSEN.NL'", true, false, false],
    ["Name eq 'o''brien fietsen gmbh'", true, false, true],
  ])('%s: ignoring case %s, letter for letter %s, Email an exception %s', (text, ci, exact, except) => {
    expect(matchesWith(text, ignoring)).toBe(ci);
    expect(matchesWith(text, letterForLetter)).toBe(exact);
    expect(matchesWith(text, exceptEmail)).toBe(except);
  });
});
