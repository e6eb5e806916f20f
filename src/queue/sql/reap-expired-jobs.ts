import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';

/**
 * Running jobs whose lease passed (their worker died or stalled) go back to queued, keeping their
 * run_at so they are first in line again; with no attempts left they fail, and a job someone asked
 * to cancel ends cancelled. The lost worker's id is
 * kept in last_error. A worker that was merely slow learns it lost the job on its next heartbeat.
 */
export async function reapExpiredJobs(store: Store, clock: Clock): Promise<number> {
  const iso = clock.now().toISOString();
  const result = await store.db
    .updateTable('jobs')
    .set({
      state: sql<string>`case when cancel_requested_at is not null then 'cancelled' when attempts >= max_attempts then 'failed' else 'queued' end`,
      finished_at: sql<
        string | null
      >`case when cancel_requested_at is not null or attempts >= max_attempts then ${iso} else null end`,
      last_error: sql<string>`'lease expired: worker ' || coalesce(locked_by, '?') || ' stopped renewing it'`,
      locked_by: null,
      locked_until: null,
      updated_at: iso,
    })
    .where('state', '=', 'running')
    .where('locked_until', '<', iso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
