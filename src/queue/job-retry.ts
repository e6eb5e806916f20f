import { backoffMs } from '../core/backoff.js';
import { isKoppelError, isRetryableKind, messageOf } from '../core/errors.js';

export interface BackoffPolicy {
  /** Delay after the first failed attempt; doubled for each further attempt. */
  baseMs: number;
  /** Longest delay the doubling reaches. */
  capMs: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * The queue's retry policy, one of the places that interprets error kinds. A KoppelError retries
 * when its kind is retryable (transient, rate_limited) and also when it is `internal`: an
 * unexpected failure, like any non-Koppel error, may well pass on a later attempt and is bounded by
 * the job's max attempts. Kinds that say the input or the setup is wrong (invalid, auth, not_found,
 * conflict) fail the job at once: trying the same thing again cannot help.
 *
 * The delay is the error's retryAfterMs when it has one (a provider told us when), else
 * baseMs · 2^(attempt − 1), capped at capMs. `attempt` counts from 1.
 */
export function decideRetry(error: unknown, attempt: number, backoff: BackoffPolicy): RetryDecision {
  if (isKoppelError(error)) {
    if (!isRetryableKind(error.kind) && error.kind !== 'internal') return { retry: false };
    if (error.retryAfterMs !== undefined) return { retry: true, delayMs: error.retryAfterMs };
  }
  return { retry: true, delayMs: backoffMs(attempt, backoff) };
}

/** What a failed attempt leaves in last_error: the error's code and message, never its cause chain. */
export function describeError(error: unknown): string {
  if (isKoppelError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return messageOf(error);
}
