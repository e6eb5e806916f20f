import type { Store } from '../../store/database.js';
import { toJob } from '../job-row.js';
import type { Job, ListFilter } from '../port.js';

/** Newest first, optionally one state and/or one queue. */
export async function listJobs(store: Store, filter: ListFilter = {}): Promise<Job[]> {
  let query = store.db
    .selectFrom('jobs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.queue !== undefined) query = query.where('queue', '=', filter.queue);
  const rows = await query.execute();
  return rows.map(toJob);
}
