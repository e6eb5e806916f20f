import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import type { HeartbeatAnswer } from '../port.js';

/**
 * Extend the lease of a running job to now + leaseMs, only for the worker holding it, and tell it
 * whether someone asked to cancel the job. A lease that has run out but was not reaped yet is
 * still this worker's and may be extended. A job with a cancel request is extended too: its
 * handler is stopping, and until it has, no other worker may start the job's lock key.
 */
export async function heartbeatJob(
  store: Store,
  clock: Clock,
  id: string,
  workerId: string,
  leaseMs: number,
): Promise<HeartbeatAnswer> {
  const now = clock.now();
  const row = await store.db
    .updateTable('jobs')
    .set({
      locked_until: new Date(now.getTime() + leaseMs).toISOString(),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .returning('cancel_requested_at')
    .executeTakeFirst();
  if (!row) return 'lost';
  return row.cancel_requested_at === null ? 'ours' : 'cancel_requested';
}
