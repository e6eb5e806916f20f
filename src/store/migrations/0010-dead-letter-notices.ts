import type { Kysely } from 'kysely';

/**
 * When an open dead letter's owner was told about it, so each event is raised once: that its
 * payload is past the payload retention (it is kept while the dead letter is open) and that its
 * automatic retries gave up.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dead_letters').addColumn('payload_warned_at', 'text').execute();
  await db.schema.alterTable('dead_letters').addColumn('retries_exhausted_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dead_letters').dropColumn('retries_exhausted_at').execute();
  await db.schema.alterTable('dead_letters').dropColumn('payload_warned_at').execute();
}
