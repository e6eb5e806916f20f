import { sql } from 'kysely';
import type { Store } from '../../store/database.js';

/** Jobs that ended and last changed before `before` are deleted; waiting and running ones never. */
export async function purgeFinishedJobs(store: Store, before: Date): Promise<number> {
  const result = await store.db
    .deleteFrom('jobs')
    .where('updated_at', '<', before.toISOString())
    .where(sql<boolean>`state in ('completed', 'failed', 'cancelled')`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
