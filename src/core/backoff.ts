/**
 * How a wait is spread around the exponential value `e`: `none` waits `e`; `full` anywhere in
 * [0, e) (callers that retry together drift apart the most); `equal` in [e/2, e) (never much
 * shorter than planned).
 */
export type Jitter = 'none' | 'full' | 'equal';

export interface Backoff {
  /** The wait before the first retry; doubled for each retry after it. */
  baseMs: number;
  /** The longest wait the doubling reaches (Infinity: no cap; the caller judges the wait itself). */
  capMs: number;
  jitter?: Jitter;
  /** A number in [0, 1); tests pass a fixed one. Default Math.random. */
  random?: () => number;
}

/**
 * The one backoff of Koppel (engine calls, queue jobs, connector retries, dead-letter auto-retry,
 * each with its own numbers): the wait before retry number `retry` (1 after the first failure),
 * min(capMs, baseMs · 2^(retry − 1)), jittered, in whole milliseconds.
 */
export function backoffMs(retry: number, backoff: Backoff): number {
  // Past 2^30 any cap has long been reached; stop before the float grows without bound.
  const exponent = Math.min(Math.max(0, retry - 1), 30);
  const exp = Math.min(backoff.capMs, backoff.baseMs * 2 ** exponent);
  const random = backoff.random ?? Math.random;
  switch (backoff.jitter ?? 'none') {
    case 'none':
      return Math.round(exp);
    case 'full':
      return Math.round(random() * exp);
    case 'equal':
      return Math.round(exp / 2 + random() * (exp / 2));
  }
}
