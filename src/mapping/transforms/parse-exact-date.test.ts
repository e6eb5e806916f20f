import { describe, expect, it } from 'vitest';
import { parseExactDate } from './parse-exact-date.js';

describe('parseExactDate', () => {
  it('turns Exact Online /Date(ms)/ into an ISO UTC string', () => {
    expect(parseExactDate('/Date(1700000000000)/')).toBe('2023-11-14T22:13:20.000Z');
    expect(parseExactDate('/Date(0)/')).toBe('1970-01-01T00:00:00.000Z');
    expect(parseExactDate('/Date(-86400000)/')).toBe('1969-12-31T00:00:00.000Z');
  });

  it('ignores the informational offset suffix of WCF dates', () => {
    expect(parseExactDate('/Date(1700000000000+0100)/')).toBe('2023-11-14T22:13:20.000Z');
  });

  it('accepts epoch milliseconds', () => {
    expect(parseExactDate(1700000000000)).toBe('2023-11-14T22:13:20.000Z');
  });

  it('normalises an ISO string with a zone to UTC', () => {
    expect(parseExactDate('2026-01-15T12:00:00Z')).toBe('2026-01-15T12:00:00.000Z');
    expect(parseExactDate('2026-01-15T12:00:00+01:00')).toBe('2026-01-15T11:00:00.000Z');
    expect(parseExactDate('2026-01-15T12:00:00.5-0230')).toBe('2026-01-15T14:30:00.500Z');
  });

  it('gives an ISO string without a zone back as it is', () => {
    expect(parseExactDate('2026-01-15')).toBe('2026-01-15');
    expect(parseExactDate('2026-01-15T12:00:00')).toBe('2026-01-15T12:00:00');
  });

  it('reads the value as wall-clock time in the zone given', () => {
    // Midnight "UTC" that Exact means as midnight in Amsterdam (winter, +01:00).
    expect(parseExactDate('/Date(1768435200000)/', 'Europe/Amsterdam')).toBe('2026-01-14T23:00:00.000Z');
    expect(parseExactDate('2026-07-01T00:00:00', 'Europe/Amsterdam')).toBe('2026-06-30T22:00:00.000Z');
  });

  it.each(['yesterday', '/Date(abc)/', '2026-13-01', '2026-02-30', '2026-01-15T25:00:00', '/Date(1e20)/'])(
    'refuses %j with mapping.invalid_date',
    (value) => {
      expect(() => parseExactDate(value)).toThrow(expect.objectContaining({ code: 'mapping.invalid_date' }));
    },
  );

  it('refuses an unknown time zone with mapping.invalid_time_zone', () => {
    expect(() => parseExactDate('/Date(0)/', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_time_zone' }),
    );
  });
});
