import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';

/** running → completed, only for the worker holding the job. */
export async function completeJob(
  store: Store,
  clock: Clock,
  id: string,
  workerId: string,
): Promise<boolean> {
  const iso = clock.now().toISOString();
  const result = await store.db
    .updateTable('jobs')
    .set({ state: 'completed', locked_by: null, locked_until: null, updated_at: iso, finished_at: iso })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
