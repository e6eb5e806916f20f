import type { Kysely } from 'kysely';

/**
 * Links looked up from the other side: the orders flow asks which Asperion debtor the customers
 * flow linked to an Exact account, i.e. a link by its target id within the pair.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('links_pair_target').on('links').columns(['pair_id', 'target_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('links_pair_target').execute();
}
