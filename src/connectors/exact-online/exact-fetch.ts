import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import type { ExactRateGovernor } from './rate-governor.js';

export interface ExactRequest {
  method: string;
  /** Absolute URL of the call. */
  url: string;
  /** The path with placeholders, for budgets per endpoint and for messages: `/api/v1/{division}/crm/Accounts`. */
  endpoint: string;
  accessToken: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const max429Retries = 3;

/**
 * One call to a division-scoped endpoint under the division's rate governor: it waits for budget,
 * sends, and feeds the answer's headers back. A 429 that slips through (another process of the same
 * app) is waited out and retried a few times before it is raised as rate_limited.
 */
export async function exactFetch(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  req: ExactRequest,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    await governor.acquire(req.endpoint, ctx.priority ?? 'normal');
    let res: Response;
    try {
      res = await ctx.fetch(req.url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${req.accessToken}`,
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...req.headers,
        },
        ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      });
    } catch (cause) {
      await governor.abandon();
      throw new KoppelError(`${req.method} ${req.endpoint} failed: ${(cause as Error).message}`, {
        code: 'exact.network',
        kind: 'transient',
        cause,
      });
    }
    await governor.observe(req.endpoint, res.status, res.headers);
    if (res.status !== 429) return res;
    await res.body?.cancel();
    const waitMs = governor.retryAfterMs();
    if (attempt >= max429Retries) {
      throw new KoppelError(`${req.method} ${req.endpoint} answered 429 ${attempt + 1} times`, {
        code: 'exact.rate_limited',
        kind: 'rate_limited',
        retryAfterMs: waitMs,
      });
    }
    await ctx.clock.sleep(waitMs);
  }
}
