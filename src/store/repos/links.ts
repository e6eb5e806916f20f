import type { Kysely, Selectable } from 'kysely';
import type { Database, LinkTable } from '../schema.js';
import type { Capabilities } from '../database.js';
import { bulkInsert } from './bulk-insert.js';
import { chunkRows } from './chunk.js';

export type LinkRow = Selectable<LinkTable>;
export interface LinkKey {
  pairId: string;
  flowId: string;
  entity: string;
}

/** The links of one page of source records, in one query. */
export async function findLinks(
  db: Kysely<Database>,
  key: LinkKey,
  sourceIds: readonly string[],
): Promise<Map<string, LinkRow>> {
  const out = new Map<string, LinkRow>();
  if (sourceIds.length === 0) return out;
  for (const ids of chunkRows(sourceIds, 1, 10_000)) {
    const rows = await db
      .selectFrom('links')
      .selectAll()
      .where('pair_id', '=', key.pairId)
      .where('flow_id', '=', key.flowId)
      .where('entity', '=', key.entity)
      .where('source_id', 'in', ids)
      .execute();
    for (const r of rows) out.set(r.source_id, r);
  }
  return out;
}

export async function upsertLinks(
  db: Kysely<Database>,
  caps: Capabilities,
  rows: readonly LinkRow[],
): Promise<void> {
  await bulkInsert(db, caps, 'links', rows, (q) =>
    q.onConflict((oc) =>
      oc.columns(['pair_id', 'flow_id', 'entity', 'source_id']).doUpdateSet((eb) => ({
        target_id: eb.ref('excluded.target_id'),
        content_hash: eb.ref('excluded.content_hash'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
  );
}
