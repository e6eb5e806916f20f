import type { Kysely } from 'kysely';

/**
 * Pair memory: what a pair's flows learnt about the target and want to reuse in later runs (the
 * Asperion debtor an Exact account became, an article's id, VAT codes read a while ago), as JSON
 * per namespace and key. Entries belong to their pair and go with it (the foreign key cascades).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pair_memory')
    .addColumn('pair_id', 'text', (c) => c.notNull().references('pairs.id').onDelete('cascade'))
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pair_memory_pk', ['pair_id', 'namespace', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pair_memory').execute();
}
