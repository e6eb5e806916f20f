import { describe, expect, it } from 'vitest';
import { previousMonth } from './reconcile-flow.js';

describe('the default reconciliation period', () => {
  it('is the previous calendar month, across a year and in a leap year', () => {
    expect(previousMonth(new Date('2026-03-10T09:00:00Z'))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousMonth(new Date('2028-03-01T00:00:00Z'))).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(previousMonth(new Date('2027-01-31T23:59:59Z'))).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
});
