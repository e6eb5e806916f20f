import { newId } from '../core/ids.js';
import { upsertLinks } from '../store/repos/links.js';
import { insertRecords } from '../store/repos/records.js';
import { pendingWriteAhead, settleWriteAhead } from '../store/repos/write-ahead.js';
import type { EngineDeps } from './deps.js';
import type { FlowSetup } from './flow-setup.js';
import { withRetry } from './retry-policy.js';

/**
 * Settles the creates a previous run announced but never confirmed (a crash, a timeout, a 5xx):
 * each is looked up in the target by its natural key. Found: the link is written, so the record
 * is never created twice. Not found: the row is abandoned and the record is created when read again.
 */
export async function recoverWriteAhead(
  deps: EngineDeps,
  setup: FlowSetup,
  runId: string,
): Promise<{ confirmed: number; abandoned: number }> {
  const pending = await pendingWriteAhead(deps.store.db, setup.flow.id);
  let confirmed = 0;
  for (const row of pending) {
    const found = await withRetry(
      () => setup.runtime.target.findByNaturalKey(row.natural_key),
      deps.clock,
      deps.retry,
    );
    const at = deps.clock.now().toISOString();
    await deps.store.db.transaction().execute(async (trx) => {
      if (found) {
        confirmed++;
        await upsertLinks(trx, deps.store.caps, [
          {
            pair_id: row.pair_id,
            flow_id: row.flow_id,
            entity: row.entity,
            source_id: row.source_id,
            target_id: found.targetId,
            content_hash: row.content_hash,
            created_at: at,
            updated_at: at,
          },
        ]);
        await insertRecords(trx, deps.store.caps, [
          {
            id: newId('rec'),
            run_id: runId,
            pair_id: row.pair_id,
            flow_id: row.flow_id,
            entity: row.entity,
            source_id: row.source_id,
            state: 'created',
            operation: 'create',
            mapping_version: setup.mappingVersion,
            target_id: found.targetId,
            natural_key: row.natural_key,
            attempts: 0,
            error_code: null,
            error_kind: null,
            error_message: null,
            timeline: JSON.stringify([
              { at, step: 'recovered', detail: `found by natural key ${row.natural_key}` },
            ]),
            snapshot: null,
            payload: null,
            request: null,
            response: null,
            diff: null,
            payload_purged: 0,
            created_at: at,
            updated_at: at,
          },
        ]);
      }
      await settleWriteAhead(trx, [{ id: row.id, state: found ? 'confirmed' : 'abandoned' }], at);
    });
  }
  return { confirmed, abandoned: pending.length - confirmed };
}
