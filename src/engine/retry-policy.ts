import { backoffMs as coreBackoffMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { isBudgetYield } from '../connectors/kit/budget-yield.js';
import { isRetryableKind, toKoppelError, type KoppelError } from '../core/errors.js';

/** How the engine retries one call. One of the three places that interpret error kinds. */
export interface RetryOptions {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /**
   * A retry-after longer than this is not waited out inside a run: the error ends the run and the
   * job queue schedules it again after the wait (e.g. a daily API limit).
   */
  maxInlineWaitMs: number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 5,
  baseMs: 500,
  capMs: 30_000,
  maxInlineWaitMs: 120_000,
};

/** Capped exponential backoff with jitter in the upper half; a retry-after is honoured as a floor. */
export function backoffMs(
  attempt: number,
  options: RetryOptions,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const wait = coreBackoffMs(attempt, {
    baseMs: options.baseMs,
    capMs: options.capMs,
    jitter: 'equal',
    random,
  });
  return Math.max(wait, retryAfterMs ?? 0);
}

export interface RetryHooks<T> {
  /**
   * Called before each retry with the error that failed the previous attempt. A value short-cuts
   * the retry (e.g. a create that turns out to have happened after all).
   */
  beforeRetry?(error: KoppelError, attempt: number): Promise<T | undefined>;
  onAttempt?(attempt: number): void;
  /** Called when a failed attempt is to be tried again, before the wait. */
  onRetry?(error: KoppelError, attempt: number, waitMs: number): void;
  /** Once it aborts, a failed attempt is not tried again: the abort's reason is thrown instead. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `op` until it succeeds, fails with a kind that retrying cannot fix, runs out of attempts or
 * is told to stop (`hooks.signal`, whose reason is then thrown). The last error is thrown as a
 * KoppelError.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  clock: Clock,
  options: RetryOptions,
  hooks: RetryHooks<T> = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    hooks.onAttempt?.(attempt);
    try {
      return await op(attempt);
    } catch (e) {
      const error = toKoppelError(e);
      if (hooks.signal?.aborted) throw toKoppelError(hooks.signal.reason);
      if (!isRetryableKind(error.kind) || attempt >= options.maxAttempts) throw error;
      // The run chose not to wait for budget: waiting here instead would hold its worker all the same.
      if (isBudgetYield(error)) throw error;
      if ((error.retryAfterMs ?? 0) > options.maxInlineWaitMs) throw error;
      const waitMs = backoffMs(attempt, options, error.retryAfterMs);
      hooks.onRetry?.(error, attempt, waitMs);
      try {
        await clock.sleep(waitMs, hooks.signal);
      } catch (stopped) {
        throw toKoppelError(stopped);
      }
      // A clock that cannot cut its sleep short (a test's) still stops here.
      if (hooks.signal?.aborted) throw toKoppelError(hooks.signal.reason);
      if (hooks.beforeRetry) {
        const found = await hooks.beforeRetry(error, attempt);
        if (found !== undefined) return found;
      }
    }
  }
}
