import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { deletePair, getPair, upsertPair, type Pair } from '../store/repos/pairs.js';
import type { Database } from '../store/schema.js';

/**
 * Pairs changed one at a time (the HTTP API), in the same table a workspace file is applied to, so
 * `koppel export` writes them out.
 */
export async function createPair(
  db: Kysely<Database>,
  clock: Clock,
  input: { id: string; name: string },
): Promise<Pair> {
  return db.transaction().execute(async (trx) => {
    if (await getPair(trx, input.id))
      throw new KoppelError(`A pair "${input.id}" exists already`, { code: 'pair.exists', kind: 'conflict' });
    await upsertPair(trx, input, clock.now().toISOString());
    return (await getPair(trx, input.id)) as Pair;
  });
}

/** Null when there is no such pair. */
export async function renamePair(
  db: Kysely<Database>,
  clock: Clock,
  id: string,
  name: string,
): Promise<Pair | null> {
  const at = clock.now().toISOString();
  const result = await db
    .updateTable('pairs')
    .set({ name, updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? getPair(db, id) : null;
}

/**
 * Delete a pair that has no connections and no flows any more; with either it is refused, as the
 * store refuses a connection a flow still uses: deleting a pair must not take configuration with
 * it unseen. False when there is no such pair.
 */
export async function removePair(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const [connection, flow] = await Promise.all([
      trx.selectFrom('connections').select('id').where('pair_id', '=', id).executeTakeFirst(),
      trx.selectFrom('flows').select('id').where('pair_id', '=', id).executeTakeFirst(),
    ]);
    if (flow || connection)
      throw new KoppelError(
        `Pair "${id}" still has ${flow ? `flow "${flow.id}"` : `connection "${connection!.id}"`}; delete its flows and connections first`,
        {
          code: 'pair.not_empty',
          kind: 'conflict',
          details: { flowId: flow?.id ?? null, connectionId: connection?.id ?? null },
        },
      );
    return deletePair(trx, id);
  });
}
