import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import { lostStartLimit } from '../port.js';

/**
 * Running jobs whose lease passed (their worker died or stalled) go back to queued, keeping their
 * run_at so they are first in line again, with the lost start given back (max_attempts + 1) until
 * the job has started `lostStartLimit` times; a job with no attempts left by then fails, and a job
 * someone asked to cancel ends cancelled. The lost worker's id is kept in last_error. A worker that
 * was merely slow learns it lost the job on its next heartbeat.
 */
export async function reapExpiredJobs(store: Store, clock: Clock): Promise<number> {
  const iso = clock.now().toISOString();
  const cancel = sql`cancel_requested_at is not null`;
  const giveBack = sql`attempts < ${lostStartLimit}`;
  const fail = sql`(attempts >= max_attempts and not ${giveBack})`;
  const result = await store.db
    .updateTable('jobs')
    .set({
      state: sql<string>`case when ${cancel} then 'cancelled' when ${fail} then 'failed' else 'queued' end`,
      max_attempts: sql<number>`case when not ${cancel} and ${giveBack} then max_attempts + 1 else max_attempts end`,
      finished_at: sql<string | null>`case when ${cancel} or ${fail} then ${iso} else null end`,
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
