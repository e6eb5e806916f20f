import type { Kysely } from 'kysely';

/**
 * The processes of one installation: each `koppel start` registers itself, refreshes `last_seen_at`
 * every few seconds and removes its row on a clean stop, so `koppel workers` can show the fleet
 * (which role, what it runs now) when several processes share one Postgres database.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('running', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('workers_last_seen').on('workers').column('last_seen_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('workers').execute();
}
