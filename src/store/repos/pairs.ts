import type { Kysely, Selectable } from 'kysely';
import type { Database, PairTable } from '../schema.js';

export interface Pair {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export type PairInput = Pick<Pair, 'id' | 'name'>;

function toPair(row: Selectable<PairTable>): Pair {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function getPair(db: Kysely<Database>, id: string): Promise<Pair | null> {
  const row = await db.selectFrom('pairs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPair(row) : null;
}

/** Every pair, ordered by id. */
export async function listPairs(db: Kysely<Database>): Promise<Pair[]> {
  const rows = await db.selectFrom('pairs').selectAll().orderBy('id').execute();
  return rows.map(toPair);
}

/** Insert, or update the name of an existing pair (its creation time stays). */
export async function upsertPair(db: Kysely<Database>, input: PairInput, at: string): Promise<void> {
  await db
    .insertInto('pairs')
    .values({ id: input.id, name: input.name, created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: input.name, updated_at: at }))
    .execute();
}

/**
 * Delete a pair; its connections, flows, mapping versions and pair memory go with it (foreign keys
 * cascade).
 * Run history (runs, records, dead letters) is not configuration and is left to retention.
 */
export async function deletePair(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('pairs').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
