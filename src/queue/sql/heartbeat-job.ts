import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';

/**
 * Extend the lease of a running job to now + leaseMs, only for the worker holding it. A lease that
 * has run out but was not reaped yet is still this worker's and may be extended.
 */
export async function heartbeatJob(
  store: Store,
  clock: Clock,
  id: string,
  workerId: string,
  leaseMs: number,
): Promise<boolean> {
  const now = clock.now();
  const result = await store.db
    .updateTable('jobs')
    .set({
      locked_until: new Date(now.getTime() + leaseMs).toISOString(),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
