import type { Clock } from '../core/clock.js';

/** Random trouble on the wire, shared by both sandboxes; each renders the failure in its API's own error body. */
export interface TrafficFaults {
  /** Share of matching requests answered with `errorStatus` (0–1). */
  errorRate: number;
  errorStatus: number;
  /** Delay before every matching request, on the sandbox clock. */
  latencyMs: number;
  /**
   * Extra delay drawn evenly from 0 to this, per request, on top of `latencyMs`: real APIs answer
   * in a spread of times, and a fixed latency would keep concurrent callers in lockstep.
   */
  latencySpreadMs: number;
  /** Share of matching requests that hang for `timeoutMs` and then answer 504 (0–1). */
  timeoutRate: number;
  timeoutMs: number;
  /** Only requests whose path starts with this (case-insensitive) are touched. */
  pathPrefix: string;
}

export type TrafficOutcome = { kind: 'timeout'; status: 504 } | { kind: 'error'; status: number };

/**
 * Delay a request by the latency, then decide whether it times out or fails. Draws come from the
 * caller's seeded generator, so a run with the same seed fails at the same requests.
 */
export async function shapeTraffic(
  faults: TrafficFaults,
  path: string,
  clock: Clock,
  random: () => number,
): Promise<TrafficOutcome | undefined> {
  if (!path.toLowerCase().startsWith(faults.pathPrefix.toLowerCase())) return undefined;
  // No draw without a spread, so a seeded fault pattern set before the spread existed repeats as it did.
  const spread = faults.latencySpreadMs > 0 ? Math.floor(random() * (faults.latencySpreadMs + 1)) : 0;
  if (faults.latencyMs + spread > 0) await clock.sleep(faults.latencyMs + spread);
  if (faults.timeoutRate > 0 && random() < faults.timeoutRate) {
    await clock.sleep(faults.timeoutMs);
    return { kind: 'timeout', status: 504 };
  }
  if (faults.errorRate > 0 && random() < faults.errorRate)
    return { kind: 'error', status: faults.errorStatus };
  return undefined;
}
