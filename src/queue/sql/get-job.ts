import type { Store } from '../../store/database.js';
import { toJob } from '../job-row.js';
import type { Job } from '../port.js';

export async function getJob(store: Store, id: string): Promise<Job | null> {
  const row = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(row) : null;
}
