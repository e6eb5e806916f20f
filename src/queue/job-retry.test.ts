import { describe, expect, it } from 'vitest';
import { KoppelError } from '../core/errors.js';
import { decideRetry, describeError } from './job-retry.js';

const backoff = { baseMs: 1_000, capMs: 30_000 };
const koppel = (kind: KoppelError['kind'], retryAfterMs?: number) =>
  new KoppelError('boom', { code: 'test.boom', kind, retryAfterMs });

describe('decideRetry', () => {
  it('doubles the delay per attempt up to the cap', () => {
    const delay = (attempt: number) => {
      const decision = decideRetry(new Error('boom'), attempt, backoff);
      return decision.retry ? decision.delayMs : null;
    };
    expect([1, 2, 3, 4, 5, 6, 7].map(delay)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(delay(10_000)).toBe(30_000);
  });

  it('retries transient and rate-limited errors, and errors that are not ours', () => {
    expect(decideRetry(koppel('transient'), 2, backoff)).toEqual({ retry: true, delayMs: 2_000 });
    expect(decideRetry(koppel('rate_limited'), 1, backoff)).toEqual({ retry: true, delayMs: 1_000 });
    expect(decideRetry(new TypeError('x is undefined'), 3, backoff)).toEqual({ retry: true, delayMs: 4_000 });
    expect(decideRetry(koppel('internal'), 1, backoff)).toEqual({ retry: true, delayMs: 1_000 });
  });

  it('waits as long as the error says when it carries retryAfterMs', () => {
    expect(decideRetry(koppel('rate_limited', 45_000), 1, backoff)).toEqual({ retry: true, delayMs: 45_000 });
  });

  it('never retries invalid, auth, not_found or conflict', () => {
    for (const kind of ['invalid', 'auth', 'not_found', 'conflict'] as const) {
      expect(decideRetry(koppel(kind), 1, backoff)).toEqual({ retry: false });
    }
  });
});

describe('describeError', () => {
  it('names the code of our errors and the class of others', () => {
    expect(describeError(koppel('transient'))).toBe('test.boom: boom');
    expect(describeError(new RangeError('too far'))).toBe('RangeError: too far');
    expect(describeError('plain')).toBe('plain');
  });
});
