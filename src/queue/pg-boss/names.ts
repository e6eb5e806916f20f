import type { Json } from '../../core/json.js';

/**
 * How Koppel's jobs sit in pg-boss's queues (pg-boss calls its queues by the job `name`):
 * - a job without a lock key goes to the `standard` queue of its Koppel queue;
 * - a job with a lock key goes to the queue of that lock key, policy `singleton` and no
 *   singleton key: pg-boss lets at most one job of such a queue be active, which is the lock.
 *   Lock keys are shared by jobs of different names and Koppel queues (a flow's run, its replay,
 *   a CLI command's private queue), so the lock cannot live in the Koppel queue's pg-boss queue.
 * Every pg-boss queue of Koppel starts with `koppel.`, so Koppel's reads never see other users of
 * the schema.
 */
export const bossQueuePrefix = 'koppel.';

const lockQueuePrefix = `${bossQueuePrefix}lock:`;

export function isLockQueue(name: string): boolean {
  return name.startsWith(lockQueuePrefix);
}

export function bossQueueOf(spec: { queue: string; lockKey?: string | null | undefined }): {
  name: string;
  policy: 'standard' | 'singleton';
} {
  if (spec.lockKey !== undefined && spec.lockKey !== null) {
    return { name: `${lockQueuePrefix}${spec.lockKey}`, policy: 'singleton' };
  }
  return { name: `${bossQueuePrefix}queue:${spec.queue}`, policy: 'standard' };
}

/**
 * What Koppel keeps in a pg-boss job's `data` besides the payload: what pg-boss has no column for.
 * `lockedBy` is the worker that claimed it (pg-boss has no owner; heartbeat, complete and fail
 * check it), `cancelRequestedAt` the cancel request its heartbeat answers with.
 */
export interface KoppelJobData {
  queue: string;
  name: string;
  payload: Json;
  dedupeKey?: string;
  lockKey?: string;
  /** Koppel's priority (lower first); pg-boss's column holds its negation (higher first). */
  priority: number;
  lockedBy?: string;
  cancelRequestedAt?: string;
  /** The id the job had in the `jobs` table before it moved to pg-boss. */
  movedFrom?: string;
}

/** pg-boss ids are uuids; anything else (a `job_…` id of the store queue) names no job here. */
export function isBossId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
