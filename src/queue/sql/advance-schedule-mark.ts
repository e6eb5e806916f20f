import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import { scheduleMarkPrefix } from './read-schedule-mark.js';

/**
 * Compare-and-set in one statement: insert the mark, or move it forward only if the stored fire time
 * is earlier. Of concurrent callers with the same fire time exactly one gets a row back: on Postgres
 * the second upsert waits for the first's row and re-checks the condition on the committed value; on
 * SQLite the statement runs under the write lock. ISO-UTC text of one width sorts as time does.
 */
export async function advanceScheduleMark(
  store: Store,
  clock: Clock,
  scheduleKey: string,
  fireTime: Date,
): Promise<boolean> {
  const row = await store.db
    .insertInto('settings')
    .values({
      key: scheduleMarkPrefix + scheduleKey,
      value: fireTime.toISOString(),
      updated_at: clock.now().toISOString(),
    })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') }))
        .where((eb) => eb('settings.value', '<', eb.ref('excluded.value'))),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
