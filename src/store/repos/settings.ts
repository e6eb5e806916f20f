import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An installation setting: a JSON value under a key (e.g. `retention`, `redaction`). */
export interface Setting {
  key: string;
  value: unknown;
  updatedAt: string;
}

export async function getSetting(db: Kysely<Database>, key: string): Promise<Setting | null> {
  const row = await db.selectFrom('settings').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? { key: row.key, value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at } : null;
}

/** Every setting, ordered by key. */
export async function listSettings(db: Kysely<Database>): Promise<Setting[]> {
  const rows = await db.selectFrom('settings').selectAll().orderBy('key').execute();
  return rows.map((row) => ({
    key: row.key,
    value: JSON.parse(row.value) as unknown,
    updatedAt: row.updated_at,
  }));
}

export async function putSetting(
  db: Kysely<Database>,
  key: string,
  value: unknown,
  at: string,
): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: at }))
    .execute();
}

export async function deleteSetting(db: Kysely<Database>, key: string): Promise<boolean> {
  const result = await db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
