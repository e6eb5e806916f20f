import type { Store } from '../../store/database.js';

/** Schedule marks live in the installation's `settings` table under this prefix. */
export const scheduleMarkPrefix = 'scheduler:last:';

export async function readScheduleMark(store: Store, scheduleKey: string): Promise<Date | null> {
  const row = await store.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', scheduleMarkPrefix + scheduleKey)
    .executeTakeFirst();
  return row ? new Date(row.value) : null;
}
