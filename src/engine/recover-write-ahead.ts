import { searchText } from '../store/repos/records.js';
import { newId } from '../core/ids.js';
import { upsertLinks } from '../store/repos/links.js';
import { insertRecords } from '../store/repos/records.js';
import { pendingWriteAhead, settleWriteAhead, type WriteAheadRow } from '../store/repos/write-ahead.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { withRetry } from './retry-policy.js';
import type { FoundRecord } from './types.js';

/**
 * Settles the creates a previous run announced but never confirmed (a crash, a timeout, a 5xx).
 * A row that already holds the target id its create answered with is linked as it is. The others
 * are looked up in the target by their natural keys: all at once when the target can
 * (`findByNaturalKeys`), one by one otherwise. Found: the link is written, so the record is never
 * created twice. Not found: the row is abandoned and the record is created when read again.
 */
export async function recoverWriteAhead(
  deps: EngineDeps,
  setup: FlowSetup,
  runId: string,
): Promise<{ confirmed: number; abandoned: number }> {
  const pending = await pendingWriteAhead(deps.store.db, setup.flow.id);
  if (pending.length === 0) return { confirmed: 0, abandoned: 0 };
  const found = await lookUp(deps, setup, pending);
  const at = deps.clock.now().toISOString();
  const hitOf = (row: WriteAheadRow) => row.target_id ?? found.get(row.natural_key)?.targetId;
  const confirmedRows = pending.filter((row) => hitOf(row) !== undefined);
  const confirmedIds = new Set(confirmedRows.map((row) => row.id));
  // One link per source record: should a record have two rows in doubt, the later one wins.
  const bySource = new Map<
    string,
    { row: WriteAheadRow; targetId: string; detail: string; incomplete: boolean }
  >();
  for (const row of confirmedRows) {
    const incomplete = row.target_id === null && found.get(row.natural_key)?.incomplete === true;
    const detail =
      row.target_id === null
        ? `found by natural key ${row.natural_key}${incomplete ? ', maybe not whole: sent again as an update when read again' : ''}`
        : `the create had answered with ${row.target_id}`;
    bySource.set(row.source_id, { row, targetId: hitOf(row)!, detail, incomplete });
  }
  const confirmed = [...bySource.values()];
  await deps.store.db.transaction().execute(async (trx) => {
    await upsertLinks(
      trx,
      deps.store.caps,
      confirmed.map(({ row, targetId, incomplete }) => ({
        pair_id: row.pair_id,
        flow_id: row.flow_id,
        entity: row.entity,
        source_id: row.source_id,
        target_id: targetId,
        // No hash matches the empty one: the record counts as changed when it is read again.
        content_hash: incomplete ? '' : row.content_hash,
        created_at: at,
        updated_at: at,
      })),
    );
    await insertRecords(
      trx,
      deps.store.caps,
      confirmed.map(({ row, targetId, detail }) => ({
        id: newId('rec'),
        run_id: runId,
        pair_id: row.pair_id,
        flow_id: row.flow_id,
        entity: row.entity,
        source_id: row.source_id,
        state: 'created',
        operation: 'create',
        mapping_version: setup.mappingVersion,
        target_id: targetId,
        natural_key: row.natural_key,
        attempts: 0,
        error_code: null,
        error_kind: null,
        error_message: null,
        timeline: JSON.stringify([{ at, step: 'recovered', detail }]),
        snapshot: null,
        payload: null,
        request: null,
        response: null,
        diff: null,
        payload_purged: 0,
        label: null,
        search_text: searchText([row.source_id, targetId, row.natural_key]),
        created_at: at,
        updated_at: at,
      })),
    );
    await settleWriteAhead(
      trx,
      pending.map((row) => ({ id: row.id, state: confirmedIds.has(row.id) ? 'confirmed' : 'abandoned' })),
      at,
    );
  });
  return { confirmed: confirmedIds.size, abandoned: pending.length - confirmedIds.size };
}

/** The target records of the rows whose create never answered, by natural key. */
async function lookUp(
  deps: EngineDeps,
  setup: FlowSetup,
  pending: readonly WriteAheadRow[],
): Promise<Map<string, FoundRecord>> {
  const { target } = setup.runtime;
  const open = pending.filter((row) => row.target_id === null);
  const keys = [...new Set(open.map((row) => row.natural_key))];
  if (keys.length > 1 && target.findByNaturalKeys) {
    const since = new Date(
      open.reduce((min, row) => (row.created_at < min ? row.created_at : min), open[0]!.created_at),
    );
    return withRetry(() => target.findByNaturalKeys!(keys, since), deps.clock, deps.retry);
  }
  const found = new Map<string, FoundRecord>();
  for (const key of keys) {
    const hit = await withRetry(() => target.findByNaturalKey(key), deps.clock, deps.retry);
    if (hit) found.set(key, hit);
  }
  return found;
}
