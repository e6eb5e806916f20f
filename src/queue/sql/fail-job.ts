import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import type { FailOptions } from '../port.js';

/**
 * running → queued at `retryAt` while attempts are left, else running → failed (the row stays, with
 * the message, for the dead-letter view); a job someone asked to cancel goes to cancelled instead
 * and is never queued again. Only for the worker holding the job. One statement, so "attempts
 * left" and "cancel requested" are judged on the row as it is at that moment.
 */
export async function failJob(
  store: Store,
  clock: Clock,
  id: string,
  workerId: string,
  options: FailOptions,
): Promise<'queued' | 'failed' | 'cancelled' | null> {
  const iso = clock.now().toISOString();
  const update = store.db
    .updateTable('jobs')
    .set({ locked_by: null, locked_until: null, last_error: options.message, updated_at: iso })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId);

  const row =
    options.retryAt === null
      ? await update
          .set({
            state: sql<string>`case when cancel_requested_at is not null then 'cancelled' else 'failed' end`,
            finished_at: iso,
          })
          .returning('state')
          .executeTakeFirst()
      : await update
          .set({
            state: sql<string>`case when cancel_requested_at is not null then 'cancelled' when attempts >= max_attempts then 'failed' else 'queued' end`,
            run_at: sql<string>`case when cancel_requested_at is not null or attempts >= max_attempts then run_at else ${options.retryAt.toISOString()} end`,
            finished_at: sql<
              string | null
            >`case when cancel_requested_at is not null or attempts >= max_attempts then ${iso} else null end`,
          })
          .returning('state')
          .executeTakeFirst();
  if (!row) return null;
  return row.state === 'queued' || row.state === 'cancelled' ? row.state : 'failed';
}
