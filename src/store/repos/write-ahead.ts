import type { Kysely, Selectable } from 'kysely';
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
 * Settle announced creates in bulk. A confirmed row's target id lives in its link, which is written
 * in the same transaction; the row only records that the create is no longer in doubt.
 */
export async function settleWriteAhead(
  db: Kysely<Database>,
  settled: ReadonlyArray<{ id: string; state: 'confirmed' | 'abandoned' }>,
  at: string,
): Promise<void> {
  for (const state of ['confirmed', 'abandoned'] as const) {
    const ids = settled.filter((s) => s.state === state).map((s) => s.id);
    for (const chunk of chunkRows(ids, 1, 10_000)) {
      await db
        .updateTable('write_ahead')
        .set({ state, updated_at: at })
        .where('id', 'in', chunk)
        .where('state', '=', 'pending')
        .execute();
    }
  }
}
