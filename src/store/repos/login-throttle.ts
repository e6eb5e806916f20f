import type { Kysely, Selectable } from 'kysely';
import type { Database, LoginThrottleTable } from '../schema.js';

export type LoginThrottleRow = Selectable<LoginThrottleTable>;

export async function getThrottle(db: Kysely<Database>, key: string): Promise<LoginThrottleRow | undefined> {
  return db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function putThrottle(db: Kysely<Database>, row: LoginThrottleRow): Promise<void> {
  const { key: _key, ...changes } = row;
  await db
    .insertInto('login_throttle')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet(changes))
    .execute();
}

export async function clearThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
