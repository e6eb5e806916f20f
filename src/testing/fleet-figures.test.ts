import { describe, expect, it } from 'vitest';
import {
  budgetUse,
  callsPerAdministration,
  callsPerDivision,
  divisionOfPath,
  duplicateCount,
  jainIndex,
  percentile,
} from './fleet-figures.js';

describe('fleet bench figures', () => {
  it("computes Jain's index: 1 for equal shares, 1/n when one pair takes all", () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([12, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([1, 3])).toBeCloseTo(16 / 20);
    expect(jainIndex([0, 0])).toBeNull();
    expect(jainIndex([])).toBeNull();
  });

  it('divides calls by what the minute budgets of the divisions allowed in the window', () => {
    // 2 divisions × 60 a minute × 2 minutes = 240 allowed.
    expect(budgetUse(216, 2, 60, 120_000)).toBeCloseTo(0.9);
    expect(budgetUse(10, 0, 60, 120_000)).toBe(0);
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([7], 95)).toBe(7);
  });

  it("counts a pair's calls by the division in the path, leaving other paths out", () => {
    expect(divisionOfPath('/api/v1/3215714/salesorder/SalesOrders')).toBe(3215714);
    expect(divisionOfPath('/api/v1/current/Me')).toBeNull();
    expect(divisionOfPath('/api/oauth2/token')).toBeNull();
    const counts = callsPerDivision(
      ['/api/v1/1/a', '/api/v1/1/b', '/api/v1/2/a', '/api/v1/9/a', '/api/v1/current/Me'],
      [1, 2, 3],
    );
    expect([...counts]).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
  });

  it('counts every document beyond the first of a reference as a duplicate', () => {
    expect(duplicateCount(['a', 'b', 'a', 'a', 'c'])).toBe(2);
    expect(duplicateCount([])).toBe(0);
  });

  it('counts API calls per administration, leaving out identity calls and unknown administrations', () => {
    const log = [
      { administrationId: 1 },
      { administrationId: null },
      { administrationId: 2 },
      { administrationId: 1 },
      { administrationId: 9 },
    ];
    expect([...callsPerAdministration(log, [1, 2, 3])]).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
  });
});
