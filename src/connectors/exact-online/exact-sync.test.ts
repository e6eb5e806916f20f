import { describe, expect, it } from 'vitest';
import { loadReferenceLists } from '../../../scripts/exact-reference.js';
import { checkpointText, int64Text, parseKeepingInt64, syncDeletedFields } from './exact-sync.js';

describe('Int64 Timestamps from sync answers', () => {
  it('keeps every digit of a Timestamp sent as a JSON number past 2^53', () => {
    const body = parseKeepingInt64(
      '{"d":{"results":[{"Timestamp":9007199254740993,"Name":"Timestamp: 5"},{"Timestamp" : 12}]}}',
    ) as { d: { results: Array<Record<string, unknown>> } };
    expect(body.d.results.map((r) => int64Text(r['Timestamp'], 'e'))).toEqual(['9007199254740993', '12']);
    expect(body.d.results[0]?.['Name']).toBe('Timestamp: 5');
    expect(parseKeepingInt64('{"d":[{"TimeStampAsBigInt":18446744073709551}]}')).toEqual({
      d: [{ TimeStampAsBigInt: '18446744073709551' }],
    });
  });

  it('accepts the string form and refuses what is not an Int64', () => {
    expect(int64Text('0009007199254740993', 'e')).toBe('9007199254740993');
    expect(int64Text(42, 'e')).toBe('42');
    expect(() => int64Text(2 ** 60, 'e')).toThrow(expect.objectContaining({ code: 'exact.bad_timestamp' }));
    expect(() => int64Text(null, 'e')).toThrow(expect.objectContaining({ code: 'exact.bad_timestamp' }));
    expect(checkpointText(null)).toBe('1');
    expect(() => checkpointText('1 or 1')).toThrow(expect.objectContaining({ code: 'exact.bad_checkpoint' }));
  });
});

describe('sync/Deleted', () => {
  it("selects exactly the fields of Exact's list for it", () => {
    const list = loadReferenceLists().get('sync/Deleted')!;
    expect([...syncDeletedFields].sort()).toEqual(list.fields.map((f) => f.name).sort());
  });
});
