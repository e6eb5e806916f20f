import { describe, expect, it } from 'vitest';
import { backoffMs, defaultRetryOptions } from './retry-policy.js';

describe('the engine backoff', () => {
  it('waits in the upper half of the doubled delay, and at least what the answer asked for', () => {
    expect(backoffMs(1, defaultRetryOptions, undefined, () => 0)).toBe(250);
    expect(backoffMs(3, defaultRetryOptions, undefined, () => 0.5)).toBe(1_500);
    expect(backoffMs(20, defaultRetryOptions, undefined, () => 0)).toBe(15_000);
    expect(backoffMs(1, defaultRetryOptions, 60_000, () => 0.5)).toBe(60_000);
  });
});
