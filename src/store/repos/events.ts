import type { Kysely, Selectable } from 'kysely';
import type { Database, EventTable } from '../schema.js';

export type EventRow = Selectable<EventTable>;

export async function insertEvent(db: Kysely<Database>, row: EventRow): Promise<void> {
  await db.insertInto('events').values(row).execute();
}

export async function listEvents(
  db: Kysely<Database>,
  options: { limit?: number; type?: string; pairIds?: readonly string[] | undefined } = {},
): Promise<EventRow[]> {
  let q = db
    .selectFrom('events')
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(options.limit ?? 50);
  if (options.type) q = q.where('type', '=', options.type);
  if (options.pairIds) q = q.where('pair_id', 'in', options.pairIds.length ? [...options.pairIds] : ['']);
  return q.execute();
}
