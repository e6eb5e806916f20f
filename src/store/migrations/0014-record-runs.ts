import { sql, type Kysely } from 'kysely';

/**
 * Runs of named records beside runs of a cursor. A run's `scope` says which it is: `backfill` (a
 * read of history from the cursor), `cursor` (an incremental read from it) or `records` (a replay,
 * or the records a webhook named while a backfill holds the cursor); whether a backfill is under
 * way is read from the runs of the cursor only. Runs from before this say `cursor`. `webhook_keys` holds the record ids webhooks named and no run has taken yet, so
 * a burst of deliveries for one flow is one run, and a key outlives a process that died with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('runs')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('cursor'))
    .execute();
  await sql`update runs set scope = 'records' where ${sql.ref('trigger')} = 'replay'`.execute(db);
  await db.schema
    .createTable('webhook_keys')
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_keys_pk', ['flow_id', 'source_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_keys').execute();
  await db.schema.alterTable('runs').dropColumn('scope').execute();
}
