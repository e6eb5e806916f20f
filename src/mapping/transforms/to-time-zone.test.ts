import { describe, expect, it } from 'vitest';
import { toLocalDate, toTimeZone } from './to-time-zone.js';

describe('toTimeZone', () => {
  it('gives Amsterdam winter time one hour ahead of UTC', () => {
    expect(toTimeZone('2026-01-15T11:00:00Z', 'Europe/Amsterdam')).toBe('2026-01-15T12:00:00');
  });

  it('gives Amsterdam summer time two hours ahead of UTC', () => {
    expect(toTimeZone('2026-07-01T10:00:00.000Z', 'Europe/Amsterdam')).toBe('2026-07-01T12:00:00');
  });

  it('uses Europe/Amsterdam when no zone is given', () => {
    expect(toTimeZone('2026-07-01T10:00:00Z')).toBe('2026-07-01T12:00:00');
  });

  it('follows the clock across the spring and autumn changes', () => {
    expect(toTimeZone('2026-03-29T00:59:59Z')).toBe('2026-03-29T01:59:59');
    expect(toTimeZone('2026-03-29T01:00:00Z')).toBe('2026-03-29T03:00:00');
    expect(toTimeZone('2026-10-25T00:30:00Z')).toBe('2026-10-25T02:30:00');
    expect(toTimeZone('2026-10-25T01:30:00Z')).toBe('2026-10-25T02:30:00');
  });

  it('accepts Exact dates, offsets and epoch milliseconds', () => {
    expect(toTimeZone('/Date(1700000000000)/')).toBe('2023-11-14T23:13:20');
    expect(toTimeZone('2026-01-15T12:00:00+05:00')).toBe('2026-01-15T08:00:00');
    expect(toTimeZone(1700000000000, 'UTC')).toBe('2023-11-14T22:13:20');
  });

  it('reads an ISO value without a zone as UTC', () => {
    expect(toTimeZone('2026-01-15T11:00:00')).toBe('2026-01-15T12:00:00');
  });

  it('works in zones with half-hour offsets and west of UTC', () => {
    expect(toTimeZone('2026-01-15T12:00:00Z', 'Asia/Kolkata')).toBe('2026-01-15T17:30:00');
    expect(toTimeZone('2026-01-15T03:00:00Z', 'America/New_York')).toBe('2026-01-14T22:00:00');
  });

  it('refuses an unknown zone and a value that is not a date', () => {
    expect(() => toTimeZone('2026-01-15T12:00:00Z', 'Europe/Nowhere')).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_time_zone' }),
    );
    expect(() => toTimeZone('15-01-2026')).toThrow(expect.objectContaining({ code: 'mapping.invalid_date' }));
  });
});

describe('toLocalDate', () => {
  it('gives the calendar date in the zone, which can differ from the UTC date', () => {
    expect(toLocalDate('2026-01-15T23:30:00Z', 'Europe/Amsterdam')).toBe('2026-01-16');
    expect(toLocalDate('2026-01-15T22:59:59Z', 'Europe/Amsterdam')).toBe('2026-01-15');
    expect(toLocalDate('2026-06-30T22:00:00Z')).toBe('2026-07-01');
  });

  it('accepts an Exact date', () => {
    expect(toLocalDate('/Date(1768431600000)/')).toBe('2026-01-15');
  });
});
