import { describe, expect, it } from 'vitest';
import { latestFireTime, nextFireTime, validateCron } from './cron.js';

describe('validateCron', () => {
  it('accepts five-, six- and seven-field expressions and nicknames', () => {
    expect(validateCron('*/15 * * * *')).toBeNull();
    expect(validateCron('30 0 3 * * *')).toBeNull();
    expect(validateCron('0 0 0 1 1 * 2028', new Date('2026-06-01T00:00:00Z'))).toBeNull();
    expect(validateCron('@hourly')).toBeNull();
  });

  it('explains what is wrong with a malformed expression', () => {
    expect(validateCron('* * * *')).toMatch(/five, six, or seven/);
    expect(validateCron('61 * * * *')).toMatch(/minute/);
    expect(validateCron('')).not.toBeNull();
  });

  it('rejects an expression that never fires, saying what to check', () => {
    expect(validateCron('0 0 31 2 *')).toBe(
      "Cron expression '0 0 31 2 *' never fires in the next 5 years (UTC): check that the day exists in the month (31 February does not) and that a year field is not past",
    );
    expect(validateCron('0 0 30 2 *')).toMatch(/never fires/);
  });

  it('accepts a fire time within five years of now and refuses one after, or one already past', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(validateCron('0 0 29 2 *', now)).toBeNull(); // leap days: February 2028
    expect(validateCron('0 0 0 1 5 * 2031', now)).toBeNull();
    expect(validateCron('0 0 0 1 7 * 2031', now)).toMatch(/never fires in the next 5 years/);
    expect(validateCron('0 0 0 1 1 * 2020', now)).toMatch(/never fires/);
  });
});

describe('latestFireTime', () => {
  it('includes a fire time exactly at now', () => {
    expect(latestFireTime('*/5 * * * *', new Date('2026-01-01T00:05:00.000Z'))).toEqual(
      new Date('2026-01-01T00:05:00.000Z'),
    );
  });

  it('gives the previous fire time just before the next one', () => {
    expect(latestFireTime('*/5 * * * *', new Date('2026-01-01T00:04:59.999Z'))).toEqual(
      new Date('2026-01-01T00:00:00.000Z'),
    );
  });

  it('reads the expression in UTC', () => {
    expect(latestFireTime('0 3 * * *', new Date('2026-06-01T12:00:00.000Z'))).toEqual(
      new Date('2026-06-01T03:00:00.000Z'),
    );
  });

  it('is null before the first fire time', () => {
    expect(latestFireTime('0 0 0 1 1 * 2099', new Date('2026-01-01T00:00:00.000Z'))).toBeNull();
  });

  it('throws an invalid error for a malformed expression', () => {
    expect(() => latestFireTime('nope', new Date())).toThrow(/Invalid cron expression/);
  });
});

describe('nextFireTime', () => {
  it('gives the first fire time after now, in UTC', () => {
    expect(nextFireTime('0 3 * * *', new Date('2026-06-01T03:00:00.000Z'))).toEqual(
      new Date('2026-06-02T03:00:00.000Z'),
    );
    expect(nextFireTime('*/5 * * * *', new Date('2026-01-01T00:04:59.000Z'))).toEqual(
      new Date('2026-01-01T00:05:00.000Z'),
    );
  });

  it('is null for an expression that does not fire again or cannot be read', () => {
    expect(nextFireTime('0 0 0 1 1 * 2020', new Date('2026-01-01T00:00:00.000Z'))).toBeNull();
    expect(nextFireTime('nope', new Date())).toBeNull();
  });
});
