import type { Kysely } from 'kysely';

/**
 * The structured context of a dead letter's error (JSON), kept next to its sentence: a page offers
 * what it names (the debtors an ambiguous match found) instead of asking a person to copy them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dead_letters').addColumn('error_details', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dead_letters').dropColumn('error_details').execute();
}
