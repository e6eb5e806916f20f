import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, WriteAheadTable } from '../schema.js';
import type { Capabilities } from '../database.js';
import { bulkInsert } from './bulk-insert.js';
import { chunkRows } from './chunk.js';

export type WriteAheadRow = Selectable<WriteAheadTable>;

/** Stored, durably, before the create calls they announce. */
export async function insertWriteAhead(
  db: Kysely<Database>,
  caps: Capabilities,
  rows: readonly WriteAheadRow[],
): Promise<void> {
  await bulkInsert(db, caps, 'write_ahead', rows);
}

/**
 * Note the target id a create answered with on its still pending row, so recovery after a crash
 * links it without looking it up. One statement: the ids go in through a CASE.
 */
export async function recordSentWriteAhead(
  db: Kysely<Database>,
  sent: ReadonlyArray<{ id: string; targetId: string }>,
  at: string,
): Promise<void> {
  for (const chunk of chunkRows(sent, 3, 10_000)) {
    const targetId = sql<string>`case ${sql.ref('id')} ${sql.join(
      chunk.map((s) => sql`when ${s.id} then ${s.targetId}`),
      sql` `,
    )} end`;
    await db
      .updateTable('write_ahead')
      .set({ target_id: targetId, updated_at: at })
      .where(
        'id',
        'in',
        chunk.map((s) => s.id),
      )
      .where('state', '=', 'pending')
      .execute();
  }
}

export async function pendingWriteAhead(db: Kysely<Database>, flowId: string): Promise<WriteAheadRow[]> {
  return db
    .selectFrom('write_ahead')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('state', '=', 'pending')
    .orderBy('created_at')
    .execute();
}

/**
 * Settle announced creates in bulk (only rows still pending); answers how many were settled. A confirmed row's target id lives in its link, which is written
 * in the same transaction; the row only records that the create is no longer in doubt.
 */
export async function settleWriteAhead(
  db: Kysely<Database>,
  settled: ReadonlyArray<{ id: string; state: 'confirmed' | 'abandoned' }>,
  at: string,
): Promise<number> {
  let moved = 0;
  for (const state of ['confirmed', 'abandoned'] as const) {
    const ids = settled.filter((s) => s.state === state).map((s) => s.id);
    for (const chunk of chunkRows(ids, 1, 10_000)) {
      const res = await db
        .updateTable('write_ahead')
        .set({ state, updated_at: at })
        .where('id', 'in', chunk)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      moved += Number(res.numUpdatedRows);
    }
  }
  return moved;
}
