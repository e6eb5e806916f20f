import type { Kysely } from 'kysely';

/**
 * Where each connection's credentials come from in a workspace file (credential field → name of
 * the environment variable), so `koppel export` can write the references back without ever
 * knowing the values.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('connections')
    .addColumn('credential_refs', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('credential_refs').execute();
}
