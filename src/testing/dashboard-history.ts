import { newId } from '../core/ids.js';
import type { Store } from '../store/database.js';
import { insertRecords, type RecordRow } from '../store/repos/records.js';
import type { RunRow } from '../store/repos/runs.js';

/** What the history holds per UTC day, as the dashboard should count it. */
export type ExpectedDays = Map<string, { created: number; updated: number; failed: number }>;

/** The state of the n-th record: mostly created, some updated, failed, skipped or unchanged. */
function stateOf(n: number): string {
  const r = n % 20;
  if (r === 0) return 'failed';
  if (r === 1) return 'dead_lettered';
  if (r < 6) return 'updated';
  if (r < 8) return 'skipped';
  if (r < 9) return 'unchanged';
  return 'created';
}

/**
 * The share of all records made by the time `x` (0…1) of the history has passed: rising steadily,
 * with a weekly ebb and flow as a shop's orders have (it never falls, and ends at exactly 1).
 */
function share(x: number): number {
  return x >= 1 ? 1 : x + 0.03 * Math.sin(8 * Math.PI * x);
}

/**
 * Test-only: a flow's past, written straight into the store: `runs` finished runs spread evenly
 * over the `days` before `now` (the newest within the last hour), `records` records spread over
 * them in waves, in a fixed mix of states. Answers what each UTC day holds.
 */
export async function seedFlowHistory(
  store: Store,
  options: { pairId: string; flowId: string; now: Date; runs: number; records: number; days?: number },
): Promise<ExpectedDays> {
  const { pairId, flowId, now, runs, records } = options;
  const span = (options.days ?? 30) * 86_400_000 - 3_600_000;
  const expected: ExpectedDays = new Map();
  let made = 0;
  for (let i = 0; i < runs; i++) {
    const at = new Date(now.getTime() - 3_600_000 - span + Math.floor((span * (i + 1)) / runs));
    const iso = at.toISOString();
    const day = iso.slice(0, 10);
    const count = Math.floor(records * share((i + 1) / runs)) - made;
    const rows: RecordRow[] = [];
    const tally = { created: 0, updated: 0, failed: 0, deadLettered: 0, skipped: 0, unchanged: 0 };
    const runId = newId('run', at);
    for (let k = 0; k < count; k++, made++) {
      const state = stateOf(made);
      if (state === 'dead_lettered') tally.deadLettered++;
      else tally[state as 'created']++;
      const sums = expected.get(day) ?? { created: 0, updated: 0, failed: 0 };
      if (state === 'created') sums.created++;
      else if (state === 'updated') sums.updated++;
      else if (state === 'failed' || state === 'dead_lettered') sums.failed++;
      expected.set(day, sums);
      rows.push(recordRow({ runId, pairId, flowId, state, n: made, at: iso }));
    }
    const run: RunRow = {
      scope: 'cursor',
      id: runId,
      pair_id: pairId,
      flow_id: flowId,
      trigger: 'schedule',
      state: tally.failed + tally.deadLettered > 0 ? 'partial' : 'succeeded',
      job_id: null,
      counts: JSON.stringify({ read: count, ...tally }),
      api_calls: '{}',
      error_code: null,
      error_message: null,
      created_at: iso,
      started_at: iso,
      finished_at: new Date(at.getTime() + 2_000).toISOString(),
    };
    await store.db.insertInto('runs').values(run).execute();
    for (let from = 0; from < rows.length; from += 500)
      await insertRecords(store.db, store.caps, rows.slice(from, from + 500));
  }
  return expected;
}

function recordRow(r: {
  runId: string;
  pairId: string;
  flowId: string;
  state: string;
  n: number;
  at: string;
}) {
  const failed = r.state === 'failed' || r.state === 'dead_lettered';
  const sourceId = `S${String(r.n).padStart(7, '0')}`;
  return {
    id: newId('rec'),
    run_id: r.runId,
    pair_id: r.pairId,
    flow_id: r.flowId,
    entity: 'Item',
    source_id: sourceId,
    state: r.state,
    operation: r.state === 'created' ? 'create' : r.state === 'updated' ? 'update' : null,
    mapping_version: null,
    target_id: r.state === 'created' || r.state === 'updated' ? `T${r.n}` : null,
    natural_key: null,
    attempts: 1,
    error_code: failed ? 'target.rejected' : null,
    error_kind: failed ? 'validation' : null,
    error_message: failed ? 'The target refused it' : null,
    timeline: '[]',
    snapshot: null,
    payload: null,
    request: null,
    response: null,
    diff: null,
    payload_purged: 0,
    label: `item ${sourceId}`,
    search_text: `item ${sourceId.toLowerCase()}`,
    created_at: r.at,
    updated_at: r.at,
  } satisfies RecordRow;
}
