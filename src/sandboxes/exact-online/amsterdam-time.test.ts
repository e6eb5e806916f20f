import { describe, expect, it } from 'vitest';
import { parseIsoToWallClock, toAmsterdamWallClock, toExactDate } from './amsterdam-time.js';

describe('Amsterdam wall-clock dates', () => {
  it('shifts UTC by one hour in winter and two in summer', () => {
    expect(toAmsterdamWallClock(new Date('2026-01-15T09:00:00.000Z'))).toBe('2026-01-15T10:00:00.000');
    expect(toAmsterdamWallClock(new Date('2026-07-15T09:00:00.000Z'))).toBe('2026-07-15T11:00:00.000');
  });

  it('writes /Date(ms)/ with the wall-clock read as UTC, as Exact does', () => {
    // 2022-01-01 12:00 Amsterdam is sent as the epoch ms of 2022-01-01 12:00 UTC.
    expect(toExactDate('2022-01-01T12:00:00.000')).toBe(`/Date(${Date.UTC(2022, 0, 1, 12)})/`);
  });

  it('takes ISO text without offset as wall-clock time', () => {
    expect(parseIsoToWallClock('2015-01-01T00:00:00', 'convert')).toBe('2015-01-01T00:00:00.000');
    expect(parseIsoToWallClock('2015-01-01', 'convert')).toBe('2015-01-01T00:00:00.000');
  });

  it('converts an ISO instant with offset to Amsterdam time, or drops the offset when told to', () => {
    expect(parseIsoToWallClock('2026-07-01T10:00:00Z', 'convert')).toBe('2026-07-01T12:00:00.000');
    expect(parseIsoToWallClock('2026-07-01T10:00:00+02:00', 'convert')).toBe('2026-07-01T10:00:00.000');
    expect(parseIsoToWallClock('2026-07-01T10:00:00Z', 'ignore')).toBe('2026-07-01T10:00:00.000');
  });

  it('refuses text that is not a date', () => {
    expect(parseIsoToWallClock('tomorrow', 'convert')).toBeUndefined();
    expect(parseIsoToWallClock('2026-13-45', 'convert')).toBeUndefined();
  });
});
