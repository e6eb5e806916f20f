import { KoppelError } from '../../core/errors.js';

/**
 * The code of the error a connector raises instead of waiting for API budget longer than its
 * context's `budgetWaitLimitMs`: no call was sent, and the run stops at its next consistent point
 * so that its worker slot serves someone whose budget is idle. Kind `rate_limited`, with the time
 * until the budget has room again as `retryAfterMs`; the engine ends the run as yielded and queues
 * its continuation for then, and never retries such a call inline (that would be the same wait).
 */
export const budgetYieldCode = 'budget.yield';

export function budgetYield(app: string, waitMs: number, what: string): KoppelError {
  return new KoppelError(
    `${what}; the run gives its worker up and continues in ${Math.ceil(waitMs / 1000)} s`,
    {
      code: budgetYieldCode,
      kind: 'rate_limited',
      retryAfterMs: waitMs,
      details: { app },
    },
  );
}

export function isBudgetYield(error: unknown): boolean {
  return error instanceof KoppelError && error.code === budgetYieldCode;
}
