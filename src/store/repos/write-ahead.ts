import type { Kysely, Selectable } from 'kysely';
import type { Database, WriteAheadTable } from '../schema.js';
import type { Capabilities } from '../database.js';
import { chunkRows } from './chunk.js';

export type WriteAheadRow = Selectable<WriteAheadTable>;

/** Stored, durably, before the create calls they announce. */
export async function insertWriteAhead(
  db: Kysely<Database>,
  caps: Capabilities,
  rows: readonly WriteAheadRow[],
): Promise<void> {
  for (const chunk of chunkRows(rows, 11, caps.maxParameters)) {
    if (chunk.length > 0) await db.insertInto('write_ahead').values(chunk).execute();
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

export async function settleWriteAhead(
  db: Kysely<Database>,
  settled: ReadonlyArray<{ id: string; state: 'confirmed' | 'abandoned'; targetId: string | null }>,
  at: string,
): Promise<void> {
  const abandoned = settled.filter((s) => s.state === 'abandoned').map((s) => s.id);
  for (const ids of chunkRows(abandoned, 1, 10_000)) {
    await db
      .updateTable('write_ahead')
      .set({ state: 'abandoned', updated_at: at })
      .where('id', 'in', ids)
      .where('state', '=', 'pending')
      .execute();
  }
  for (const s of settled) {
    if (s.state !== 'confirmed') continue;
    await db
      .updateTable('write_ahead')
      .set({ state: 'confirmed', target_id: s.targetId, updated_at: at })
      .where('id', '=', s.id)
      .execute();
  }
}
