import type { Clock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import { getConnection } from '../store/repos/connections.js';
import type { Flow } from '../store/repos/flows.js';
import {
  deleteMemory,
  listMemory,
  readMemory,
  writeMemory,
  type MemoryEntry,
} from '../store/repos/pair-memory.js';
import { chunkRows } from '../store/repos/chunk.js';
import type { PairLinks, PairMemory } from './types.js';

/**
 * The store-backed memory of one pair: every read or write is a few statements whatever the number
 * of keys, values are JSON, and `updatedAt` is the injected clock's time, so a flow can tell how old
 * what it remembers is (e.g. VAT codes read more than an hour ago are read again).
 */
export function storePairMemory(store: Store, pairId: string, clock: Clock): PairMemory {
  return {
    async get<T>(namespace: string, keys: readonly string[]) {
      return parsed<T>(await readMemory(store.db, pairId, namespace, keys));
    },
    async list<T>(namespace: string) {
      return parsed<T>(await listMemory(store.db, pairId, namespace));
    },
    async set(namespace, entries) {
      if (entries.length === 0) return;
      const rows = entries.map(([key, value]) => {
        const json = JSON.stringify(value);
        // JSON.stringify(undefined) is undefined: a value that cannot be read back is refused here.
        if (json === undefined) throw new TypeError(`Pair memory ${namespace}/${key}: the value is not JSON`);
        return [key, json] as const;
      });
      await writeMemory(store.db, store.caps, pairId, namespace, rows, clock.now().toISOString());
    },
    async delete(namespace, keys) {
      if (keys.length === 0) return;
      await deleteMemory(store.db, pairId, namespace, keys);
    },
  };
}

function parsed<T>(rows: Map<string, MemoryEntry>): Map<string, { value: T; updatedAt: string }> {
  const out = new Map<string, { value: T; updatedAt: string }>();
  for (const [key, row] of rows)
    out.set(key, { value: JSON.parse(row.value) as T, updatedAt: row.updatedAt });
  return out;
}

/**
 * The memory of a flow's pair and its target connection's settings, for what acts on a flow's
 * memory outside a run (the API and the CLI): a flow kind keys some of what it remembers by the
 * target's tenant, which only the connection knows.
 */
export async function flowMemory(
  store: Store,
  flow: Flow,
  clock: Clock,
): Promise<{ memory: PairMemory; targetSettings: Record<string, unknown> }> {
  const target = await getConnection(store.db, flow.targetConnectionId);
  return { memory: storePairMemory(store, flow.pairId, clock), targetSettings: target?.settings ?? {} };
}

/** For a dry run, which writes nothing: reads go to the store, writes are dropped. */
export function readOnlyMemory(memory: PairMemory): PairMemory {
  return {
    get: (namespace, keys) => memory.get(namespace, keys),
    list: (namespace) => memory.list(namespace),
    set: async () => {},
    delete: async () => {},
  };
}

/** Read-only: the links the pair's flows made, by the flows' kind. */
export function storePairLinks(store: Store, pairId: string): PairLinks {
  async function lookup(kind: string, by: 'source_id' | 'target_id', ids: readonly string[]) {
    const out = new Map<string, string>();
    for (const chunk of chunkRows([...new Set(ids)], 1, 5_000)) {
      const rows = await store.db
        .selectFrom('links')
        .innerJoin('flows', 'flows.id', 'links.flow_id')
        .select(['links.source_id', 'links.target_id'])
        .where('links.pair_id', '=', pairId)
        .where('flows.kind', '=', kind)
        .where(`links.${by}`, 'in', chunk)
        .orderBy('links.updated_at', 'desc')
        .execute();
      // The newest link wins when two flows of the kind linked the same record.
      for (const r of rows) {
        const [from, to] = by === 'source_id' ? [r.source_id, r.target_id] : [r.target_id, r.source_id];
        if (!out.has(from)) out.set(from, to);
      }
    }
    return out;
  }
  return {
    targetsOf: (kind, sourceIds) => lookup(kind, 'source_id', sourceIds),
    sourcesOf: (kind, targetIds) => lookup(kind, 'target_id', targetIds),
  };
}
