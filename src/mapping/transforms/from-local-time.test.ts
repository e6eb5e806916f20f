import { describe, expect, it } from 'vitest';
import { fromLocalTime } from './from-local-time.js';
import { toTimeZone } from './to-time-zone.js';

describe('fromLocalTime', () => {
  it('turns Amsterdam winter and summer wall-clock times into UTC', () => {
    expect(fromLocalTime('2026-01-15T12:00:00', 'Europe/Amsterdam')).toBe('2026-01-15T11:00:00.000Z');
    expect(fromLocalTime('2026-07-01T12:00:00', 'Europe/Amsterdam')).toBe('2026-07-01T10:00:00.000Z');
  });

  it('reads a date alone as local midnight', () => {
    expect(fromLocalTime('2026-07-01')).toBe('2026-06-30T22:00:00.000Z');
  });

  it('moves a time in the spring gap forward by the gap (02:30 becomes 03:30 summer time)', () => {
    const utc = fromLocalTime('2026-03-29T02:30:00', 'Europe/Amsterdam');
    expect(utc).toBe('2026-03-29T01:30:00.000Z');
    expect(toTimeZone(utc)).toBe('2026-03-29T03:30:00');
  });

  it('takes the earlier occurrence of a time in the autumn overlap (still summer time)', () => {
    expect(fromLocalTime('2026-10-25T02:30:00', 'Europe/Amsterdam')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('handles the edges of the spring gap and the autumn overlap', () => {
    expect(fromLocalTime('2026-03-29T01:59:59')).toBe('2026-03-29T00:59:59.000Z');
    expect(fromLocalTime('2026-03-29T03:00:00')).toBe('2026-03-29T01:00:00.000Z');
    expect(fromLocalTime('2026-10-25T01:59:59')).toBe('2026-10-24T23:59:59.000Z');
    expect(fromLocalTime('2026-10-25T03:00:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('gives back what toTimeZone made of an instant outside the overlap', () => {
    for (const instant of [
      '2026-01-01T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-08-08T08:08:08.000Z',
    ]) {
      expect(fromLocalTime(toTimeZone(instant))).toBe(instant);
    }
  });

  it('keeps milliseconds and works in other zones', () => {
    expect(fromLocalTime('2026-01-15T12:00:00.250', 'America/New_York')).toBe('2026-01-15T17:00:00.250Z');
    expect(fromLocalTime('2026-03-08T02:30:00', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('only normalises a value that already carries a zone', () => {
    expect(fromLocalTime('2026-01-15T12:00:00+02:00', 'Europe/Amsterdam')).toBe('2026-01-15T10:00:00.000Z');
  });

  it('refuses Exact dates and text that is not a local date-time', () => {
    expect(() => fromLocalTime('/Date(0)/')).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_date' }),
    );
    expect(() => fromLocalTime('29-03-2026 02:30')).toThrow(
      expect.objectContaining({ code: 'mapping.invalid_date' }),
    );
  });
});
