import { describe, expect, it } from 'vitest';
import { sendAfter, type QuietHours } from './quiet-hours.js';

const night: QuietHours = { from: '22:00', to: '07:00', timeZone: 'Europe/Amsterdam', except: 'critical' };
const lunch: QuietHours = { from: '12:00', to: '13:30', timeZone: 'UTC' };
const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('holds a message made during hours that span midnight until they end, local time', () => {
    // Winter, UTC+1: 23:30 and 03:15 local are quiet until 07:00 local (06:00 UTC).
    expect(sendAfter(at('2026-01-15T22:30:00Z'), 'warning', night)).toEqual(at('2026-01-16T06:00:00Z'));
    expect(sendAfter(at('2026-01-16T02:15:42Z'), 'warning', night)).toEqual(at('2026-01-16T06:00:00Z'));
    // Summer, UTC+2: 22:00 local sharp is quiet until 07:00 local (05:00 UTC).
    expect(sendAfter(at('2026-07-01T20:00:00Z'), 'info', night)).toEqual(at('2026-07-02T05:00:00Z'));
  });

  it('sends at once outside quiet hours, and at their end sharp', () => {
    expect(sendAfter(at('2026-01-15T20:59:00Z'), 'warning', night)).toEqual(at('2026-01-15T20:59:00Z'));
    expect(sendAfter(at('2026-01-16T06:00:00Z'), 'warning', night)).toEqual(at('2026-01-16T06:00:00Z'));
  });

  it('lets the excepted severity and above through', () => {
    expect(sendAfter(at('2026-01-15T23:00:00Z'), 'critical', night)).toEqual(at('2026-01-15T23:00:00Z'));
  });

  it('handles hours within one day, and none configured', () => {
    expect(sendAfter(at('2026-01-15T12:10:00Z'), 'critical', lunch)).toEqual(at('2026-01-15T13:30:00Z'));
    expect(sendAfter(at('2026-01-15T13:30:00Z'), 'warning', lunch)).toEqual(at('2026-01-15T13:30:00Z'));
    expect(sendAfter(at('2026-01-15T11:59:59Z'), 'warning', lunch)).toEqual(at('2026-01-15T11:59:59Z'));
    expect(sendAfter(at('2026-01-15T12:10:00Z'), 'warning', undefined)).toEqual(at('2026-01-15T12:10:00Z'));
  });

  it('ends at the local time across a daylight-saving change in the night', () => {
    // 29 March 2026: Amsterdam goes from UTC+1 to UTC+2 at 02:00; 07:00 local is 05:00 UTC.
    expect(sendAfter(at('2026-03-28T23:00:00Z'), 'warning', night)).toEqual(at('2026-03-29T05:00:00Z'));
  });
});
