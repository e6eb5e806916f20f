import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import type { CancelOutcome } from '../port.js';

/**
 * queued → cancelled at once; running → marked (`cancel_requested_at`), its dedupe key released,
 * for its worker to stop at the next heartbeat. Each step is one guarded statement: a job claimed
 * between the two is caught by the second, one that ended meanwhile is answered `finished`.
 */
export async function cancelJob(store: Store, clock: Clock, id: string): Promise<CancelOutcome | null> {
  const iso = clock.now().toISOString();
  const queued = await store.db
    .updateTable('jobs')
    .set({
      state: 'cancelled',
      cancel_requested_at: iso,
      last_error: 'Cancelled before it ran',
      finished_at: iso,
      updated_at: iso,
    })
    .where('id', '=', id)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  if (queued.numUpdatedRows > 0n) return 'cancelled';
  const running = await store.db
    .updateTable('jobs')
    // A new request for the same work must not join the job being stopped.
    .set((eb) => ({
      cancel_requested_at: eb.fn.coalesce('cancel_requested_at', eb.val(iso)),
      dedupe_key: null,
      updated_at: iso,
    }))
    .where('id', '=', id)
    .where('state', '=', 'running')
    .executeTakeFirst();
  if (running.numUpdatedRows > 0n) return 'requested';
  const row = await store.db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirst();
  return row ? 'finished' : null;
}
