import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { insertRun } from '../store/repos/runs.js';
import type { Database } from '../store/schema.js';

/**
 * Test-only: a backfill of the flow under way, as one stands after a run gave its worker up for
 * API budget: its latest run from the cursor yielded, so the next one goes on as a backfill.
 */
export async function insertYieldedBackfillRun(
  db: Kysely<Database>,
  run: { pairId: string; flowId: string; at: Date },
): Promise<void> {
  const at = run.at.toISOString();
  await insertRun(db, {
    id: newId('run', run.at),
    pair_id: run.pairId,
    flow_id: run.flowId,
    trigger: 'manual',
    scope: 'backfill',
    state: 'yielded',
    job_id: null,
    counts: '{}',
    api_calls: '{}',
    error_code: 'budget.yield',
    error_message: 'The Exact minute budget was spent',
    created_at: at,
    started_at: at,
    finished_at: at,
  });
}
