import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  const base = { baseMs: 1_000, capMs: 30_000 };

  it('doubles from the base per retry up to the cap, without jitter by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((r) => backoffMs(r, base))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffMs(0, base)).toBe(1_000);
    expect(backoffMs(10_000, base)).toBe(30_000);
    expect(backoffMs(10_000, { baseMs: 1_000, capMs: Infinity })).toBe(1_000 * 2 ** 30);
  });

  it('spreads a full jitter over [0, e) and an equal jitter over [e/2, e)', () => {
    const at = (random: number) => ({ ...base, random: () => random });
    expect(backoffMs(3, { ...at(0), jitter: 'full' })).toBe(0);
    expect(backoffMs(3, { ...at(0.25), jitter: 'full' })).toBe(1_000);
    expect(backoffMs(3, { ...at(0.999), jitter: 'full' })).toBe(3_996);
    expect(backoffMs(3, { ...at(0), jitter: 'equal' })).toBe(2_000);
    expect(backoffMs(3, { ...at(0.5), jitter: 'equal' })).toBe(3_000);
    expect(backoffMs(9, { ...at(0.5), jitter: 'equal' })).toBe(22_500);
  });
});
