import type { Kysely } from 'kysely';
import type { Capabilities } from '../database.js';
import type { Database } from '../schema.js';
import { bulkInsert } from './bulk-insert.js';
import { chunkRows } from './chunk.js';

export interface MemoryEntry {
  /** JSON text. */
  value: string;
  updatedAt: string;
}

// Keys per statement: a read of 1,000 keys is one query; far below either database's parameter limit.
const keysPerQuery = 5_000;

/** Entries of one namespace of a pair, by key; keys without an entry are left out. */
export async function readMemory(
  db: Kysely<Database>,
  pairId: string,
  namespace: string,
  keys: readonly string[],
): Promise<Map<string, MemoryEntry>> {
  const out = new Map<string, MemoryEntry>();
  for (const chunk of chunkRows([...new Set(keys)], 1, keysPerQuery)) {
    const rows = await db
      .selectFrom('pair_memory')
      .select(['key', 'value', 'updated_at'])
      .where('pair_id', '=', pairId)
      .where('namespace', '=', namespace)
      .where('key', 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.key, { value: r.value, updatedAt: r.updated_at });
  }
  return out;
}

/** Insert or replace entries (the last of a key repeated in `entries` wins). */
export async function writeMemory(
  db: Kysely<Database>,
  caps: Capabilities,
  pairId: string,
  namespace: string,
  entries: ReadonlyArray<readonly [key: string, value: string]>,
  at: string,
): Promise<void> {
  // One statement may not name a key twice for an upsert (Postgres refuses it), so dedupe here.
  const byKey = new Map(entries);
  const rows = [...byKey].map(([key, value]) => ({ pair_id: pairId, namespace, key, value, updated_at: at }));
  await bulkInsert(db, caps, 'pair_memory', rows, (q) =>
    q.onConflict((oc) =>
      oc.columns(['pair_id', 'namespace', 'key']).doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
  );
}

export async function deleteMemory(
  db: Kysely<Database>,
  pairId: string,
  namespace: string,
  keys: readonly string[],
): Promise<void> {
  for (const chunk of chunkRows([...new Set(keys)], 1, keysPerQuery)) {
    await db
      .deleteFrom('pair_memory')
      .where('pair_id', '=', pairId)
      .where('namespace', '=', namespace)
      .where('key', 'in', chunk)
      .execute();
  }
}

/** Every entry of one namespace of a pair, by key (for the few namespaces people list, such as choices). */
export async function listMemory(
  db: Kysely<Database>,
  pairId: string,
  namespace: string,
): Promise<Map<string, MemoryEntry>> {
  const rows = await db
    .selectFrom('pair_memory')
    .select(['key', 'value', 'updated_at'])
    .where('pair_id', '=', pairId)
    .where('namespace', '=', namespace)
    .orderBy('key')
    .execute();
  return new Map(rows.map((r) => [r.key, { value: r.value, updatedAt: r.updated_at }]));
}
