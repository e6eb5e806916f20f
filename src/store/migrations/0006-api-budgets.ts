import type { Kysely } from 'kysely';

/**
 * API budgets: what each app × account (Exact: client id × division) has left this minute and day,
 * as last seen, shared by every process on the database. `state` is the budget as JSON; `version`
 * makes every change a compare-and-set (src/engine/budget-ledger.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_budgets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('app', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('division', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_budgets').execute();
}
