import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function readCursor(
  db: Kysely<Database>,
  flowId: string,
  stream = 'main',
): Promise<string | null> {
  const row = await db
    .selectFrom('cursors')
    .select('value')
    .where('flow_id', '=', flowId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row?.value ?? null;
}

export async function saveCursor(
  db: Kysely<Database>,
  flowId: string,
  value: string,
  at: string,
  stream = 'main',
): Promise<void> {
  await db
    .insertInto('cursors')
    .values({ flow_id: flowId, stream, value, updated_at: at })
    .onConflict((oc) => oc.columns(['flow_id', 'stream']).doUpdateSet({ value, updated_at: at }))
    .execute();
}

export async function resetCursor(db: Kysely<Database>, flowId: string): Promise<void> {
  await db.deleteFrom('cursors').where('flow_id', '=', flowId).execute();
}
