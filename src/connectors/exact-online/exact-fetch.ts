import { z } from 'zod';
import { backoffMs } from '../../core/backoff.js';
import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { sendAuthorized } from '../kit/send-authorized.js';
import type { AccessTokens } from '../kit/token-lease.js';
import { afterAttempts, exactError } from './exact-error.js';
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
 * How a read (GET) that failed with 502, 503, 504 or on the network is tried again within the run:
 * `attempts` in all, waiting `baseDelayMs`, then twice that and so on (or the answer's Retry-After),
 * never longer than `maxDelayMs` (a longer Retry-After ends the retries). A connection's settings
 * may change them under `readRetry`.
 */
export const readRetrySchema = z
  .object({
    attempts: z.number().int().min(1).max(10).default(3),
    baseDelayMs: z.number().int().nonnegative().default(1_000),
    maxDelayMs: z.number().int().nonnegative().default(30_000),
  })
  .strict();
export type ReadRetry = z.infer<typeof readRetrySchema>;

const retriedStatuses = new Set([502, 503, 504]);

/**
 * One call to a division-scoped endpoint under the division's rate governor: it waits for budget,
 * sends, and feeds the answer's headers back. A 429 that slips through (another process of the same
 * app) is waited out and retried a few times before it is raised as rate_limited. A GET that fails
 * on the gateway (502–504) or the network is tried again (`readRetry`), each retry counted against
 * the endpoint's hourly error allowance and stopped before it; other methods never are, since a
 * write may have landed.
 */
export async function exactFetch(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  req: ExactRequest,
): Promise<Response> {
  const retry = readRetryOf(ctx);
  const idempotent = req.method.toUpperCase() === 'GET';
  let rateLimited = 0;
  /** Tries that failed on the gateway or the network. */
  let failed = 0;
  for (;;) {
    await governor.acquire(req.endpoint, ctx.priority ?? 'normal', ctx.budgetWaitLimitMs?.());
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
      failed++;
      if (idempotent && !ctx.signal.aborted && (await mayRetry(ctx, governor, req, retry, failed, null)))
        continue;
      throw new KoppelError(
        `${req.method} ${req.endpoint} failed${afterAttempts(failed)}: ${(cause as Error).message}`,
        {
          code: 'exact.network',
          kind: 'transient',
          cause,
          details: { endpoint: req.endpoint, attempts: failed },
        },
      );
    }
    await governor.observe(req.endpoint, res.status, res.headers);
    if (res.status === 429) {
      await res.body?.cancel();
      const waitMs = governor.retryAfterMs();
      if (rateLimited++ >= max429Retries) {
        throw new KoppelError(`${req.method} ${req.endpoint} answered 429 ${rateLimited} times`, {
          code: 'exact.rate_limited',
          kind: 'rate_limited',
          retryAfterMs: waitMs,
        });
      }
      // A run that may not wait that long asks the governor again without sleeping: it has just
      // learnt the spent minute from this answer, so it refuses with the yield at once.
      if (waitMs <= (ctx.budgetWaitLimitMs?.() ?? Number.POSITIVE_INFINITY))
        await ctx.clock.sleep(waitMs, ctx.signal);
      continue;
    }
    if (!idempotent || !retriedStatuses.has(res.status)) return res;
    failed++;
    if (await mayRetry(ctx, governor, req, retry, failed, res.headers.get('retry-after'))) {
      await res.body?.cancel();
      continue;
    }
    if (failed === 1) return res;
    // Tried more than once: the error says so (the caller would raise the same error without that).
    throw await exactError(res, req.method, req.endpoint, failed);
  }
}

/**
 * `exactFetch` with the connection's tokens: a 401 refreshes through the lease once and sends once
 * more (reference 2.2), for single calls and for every page of a paged read alike.
 */
export function exactAuthorizedFetch(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  tokens: AccessTokens,
  req: Omit<ExactRequest, 'accessToken'>,
): Promise<Response> {
  return sendAuthorized(tokens, (accessToken) => exactFetch(ctx, governor, { ...req, accessToken }));
}

/** Waits before the next try of a failed read and says whether there is one. */
async function mayRetry(
  ctx: ConnectorContext,
  governor: ExactRateGovernor,
  req: ExactRequest,
  retry: ReadRetry,
  failed: number,
  retryAfter: string | null,
): Promise<boolean> {
  if (failed >= retry.attempts || ctx.signal.aborted) return false;
  // Uncapped: a wait past maxDelayMs ends the retries instead of being cut short.
  const waitMs =
    retryAfterMs(retryAfter, ctx.clock.now()) ??
    backoffMs(failed, { baseMs: retry.baseDelayMs, capMs: Number.POSITIVE_INFINITY });
  if (waitMs > retry.maxDelayMs) return false;
  if (!(await governor.allowRetry(req.endpoint))) return false;
  ctx.logger.warn({ endpoint: req.endpoint, attempt: failed, waitMs }, 'Exact read failed; trying again');
  await ctx.clock.sleep(waitMs, ctx.signal);
  return true;
}

/** Retry-After in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
function retryAfterMs(header: string | null, now: Date): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

function readRetryOf(ctx: ConnectorContext): ReadRetry {
  return readRetrySchema.parse((ctx.settings as { readRetry?: unknown }).readRetry ?? {});
}
