import type { Kysely, Selectable } from 'kysely';
import type { Database, OneTimeLinkTable } from '../schema.js';

export type OneTimeLinkRow = Selectable<OneTimeLinkTable>;

export async function insertOneTimeLink(db: Kysely<Database>, row: OneTimeLinkRow): Promise<void> {
  await db.insertInto('one_time_links').values(row).execute();
}

export async function getOneTimeLink(db: Kysely<Database>, id: string): Promise<OneTimeLinkRow | undefined> {
  return db.selectFrom('one_time_links').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Mark the link used if it is still unused and unexpired: a compare-and-set, so of two requests
 * with the same link exactly one gets true.
 */
export async function useOneTimeLink(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('one_time_links')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
