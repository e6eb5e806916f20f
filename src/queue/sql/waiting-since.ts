import type { Store } from '../../store/database.js';

/** Queued jobs of these names with run_at before `before`, oldest first. */
export async function waitingSince(
  store: Store,
  names: string[],
  before: Date,
): Promise<Array<{ lockKey: string | null; runAt: Date }>> {
  if (names.length === 0) return [];
  const rows = await store.db
    .selectFrom('jobs')
    .select(['lock_key', 'run_at'])
    .where('state', '=', 'queued')
    .where('name', 'in', names)
    .where('run_at', '<', before.toISOString())
    .orderBy('run_at')
    .execute();
  return rows.map((r) => ({ lockKey: r.lock_key, runAt: new Date(r.run_at) }));
}
