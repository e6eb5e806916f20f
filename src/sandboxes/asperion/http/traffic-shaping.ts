import type { FastifyRequest } from 'fastify';
import { shapeTraffic } from '../../traffic-faults.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { msg, type MessageKey } from './messages.js';
import { ProblemError } from './problem-error.js';

/**
 * Rate limiting (off by default; nothing public on Asperion's limits, §1.8) as a fixed window per
 * access token and administration, answering 429 with Retry-After (§6.3).
 */
export function enforceRateLimit(request: FastifyRequest, state: SandboxState): void {
  const windows = state.rateWindows;
  const limit = state.settings.rateLimit;
  if (!limit.enabled) return;
  const now = state.clock.now().getTime();
  const key = `${request.headers.authorization ?? ''}|${request.headers['x-tenant-id'] ?? request.headers['x-tenantid'] ?? ''}`;
  const windowMs = limit.windowSeconds * 1000;
  let window = windows.get(key);
  if (!window || now >= window.start + windowMs) {
    window = { start: now, count: 0 };
    windows.set(key, window);
  }
  window.count += 1;
  if (window.count <= limit.requests) return;
  const seconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
  throw new ProblemError({
    status: 429,
    title: msg('tooManyTitle'),
    detail: msg('rateLimited', { seconds }),
    headers: { 'retry-after': String(seconds) },
  });
}

export interface RateWindow {
  start: number;
  count: number;
}

/** ASP.NET's title for each injected status. */
const faultTitles: Record<number, MessageKey> = {
  502: 'badGatewayTitle',
  503: 'unavailableTitle',
  504: 'gatewayTimeoutTitle',
};

/**
 * Fault injection (§6.3): for requests under faults.pathPrefix, delay by latencyMs, then with
 * timeoutRate hang for timeoutMs and answer 504, with errorRate answer errorStatus. Draws come from a
 * PRNG restarted from faults.seed on every settings change, so a run repeats exactly.
 */
export async function injectFaults(request: FastifyRequest, state: SandboxState): Promise<void> {
  const path = request.url.split('?')[0] ?? '';
  const outcome = await shapeTraffic(state.settings.faults, path, state.clock, state.faultRandom);
  if (!outcome) return;
  throw new ProblemError({
    status: outcome.status,
    title: msg(faultTitles[outcome.status] ?? 'serverErrorTitle'),
    detail: msg('injectedFault'),
  });
}
