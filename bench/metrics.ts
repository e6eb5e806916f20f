import { metricsText } from '../src/api/metrics-exposition.js';
import { systemClock } from '../src/core/clock.js';
import { metricsSnapshot } from '../src/engine/metrics-snapshot.js';
import { StoreQueue } from '../src/queue/store-queue.js';
import { bulkInsert } from '../src/store/repos/bulk-insert.js';
import { upsertConnection } from '../src/store/repos/connections.js';
import { upsertFlow } from '../src/store/repos/flows.js';
import { upsertPair } from '../src/store/repos/pairs.js';
import type { DialectName, Store } from '../src/store/database.js';
import { createTestDatabase } from '../src/testing/databases.js';

/**
 * One scrape of /metrics over a store holding a busy installation's retained activity: six flows,
 * BENCH_METRICS_RUNS runs and BENCH_METRICS_RECORDS records. Prints, per dialect, how long reading
 * the store and writing the text take (the best and the worst of five scrapes) and the text's size.
 */
const runCount = Number(process.env.BENCH_METRICS_RUNS ?? 50_000);
const recordCount = Number(process.env.BENCH_METRICS_RECORDS ?? 500_000);
const flows = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const recordStates = ['created', 'updated', 'unchanged', 'skipped', 'dead_lettered'];

async function seed(store: Store): Promise<void> {
  const at = new Date().toISOString();
  for (const n of [0, 1, 2]) await upsertPair(store.db, { id: `p${n}`, name: `Pair ${n}` }, at);
  for (const [n, id] of flows.entries()) {
    const pairId = `p${n % 3}`;
    for (const side of ['src', 'tgt'])
      await upsertConnection(
        store.db,
        {
          id: `${side}-${id}`,
          pairId,
          app: side === 'src' ? 'exact-online' : 'asperion',
          name: side,
          settings: {},
          encryptedCredentials: null,
          credentialRefs: {},
        },
        at,
      );
    await upsertFlow(
      store.db,
      {
        id,
        pairId,
        kind: 'orders',
        sourceConnectionId: `src-${id}`,
        targetConnectionId: `tgt-${id}`,
        enabled: true,
        schedule: null,
        priority: 100,
        settings: {},
        mappingVersion: null,
      },
      at,
    );
  }
  const start = Date.parse('2026-09-01T00:00:00Z');
  const runs = Array.from({ length: runCount }, (_, i) => {
    const flow = flows[i % flows.length]!;
    const started = new Date(start + i * 60_000);
    return {
      id: `run_${i}`,
      pair_id: `p${flows.indexOf(flow) % 3}`,
      flow_id: flow,
      trigger: 'schedule',
      state: i % 10 === 0 ? 'partial' : 'succeeded',
      job_id: null,
      counts: '{"read":10}',
      api_calls: JSON.stringify({ [`src-${flow}`]: 2, [`tgt-${flow}`]: 10 }),
      error_code: null,
      error_message: null,
      created_at: started.toISOString(),
      started_at: started.toISOString(),
      finished_at: new Date(started.getTime() + 1_000 + (i % 300) * 100).toISOString(),
    };
  });
  await bulkInsert(store.db, store.caps, 'runs', runs);
  for (let from = 0; from < recordCount; from += 50_000) {
    const records = Array.from({ length: Math.min(50_000, recordCount - from) }, (_, k) => {
      const i = from + k;
      const run = runs[i % runs.length]!;
      return {
        id: `rec_${i}`,
        run_id: run.id,
        pair_id: run.pair_id,
        flow_id: run.flow_id,
        entity: 'order',
        source_id: `S${i}`,
        state: recordStates[i % recordStates.length]!,
        operation: null,
        mapping_version: null,
        target_id: null,
        natural_key: null,
        attempts: 1,
        error_code: null,
        error_kind: null,
        error_message: null,
        timeline: '[]',
        snapshot: null,
        payload: null,
        request: null,
        response: null,
        diff: null,
        payload_purged: 0,
        label: `order ${i}`,
        search_text: null,
        created_at: run.created_at,
        updated_at: run.created_at,
      };
    });
    await bulkInsert(store.db, store.caps, 'records', records);
  }
}

async function measure(dialect: DialectName): Promise<Record<string, number | string>> {
  const tdb = await createTestDatabase(dialect);
  const store = tdb.open();
  try {
    await seed(store);
    const read: number[] = [];
    const write: number[] = [];
    let bytes = 0;
    for (let n = 0; n < 5; n++) {
      const t0 = performance.now();
      const snapshot = await metricsSnapshot(store.db, new StoreQueue(store, systemClock), new Date());
      const t1 = performance.now();
      const { text } = await metricsText(snapshot, new Map());
      read.push(t1 - t0);
      write.push(performance.now() - t1);
      bytes = text.length;
    }
    const ms = (xs: number[], f: (...v: number[]) => number) => Math.round(f(...xs));
    const row = {
      dialect,
      runs: runCount,
      records: recordCount,
      readMsBest: ms(read, Math.min),
      readMsWorst: ms(read, Math.max),
      textMsBest: ms(write, Math.min),
      textBytes: bytes,
    };
    process.stdout.write(
      `metrics ${dialect}: ${runCount} runs, ${recordCount} records: store read ${row.readMsBest}-${row.readMsWorst} ms, text ${row.textMsBest} ms, ${bytes} bytes\n`,
    );
    return row;
  } finally {
    await store.close();
    await tdb.drop();
  }
}

export async function metricsBench(): Promise<void> {
  const rows = [];
  for (const dialect of ['sqlite', 'postgres'] as const) rows.push(await measure(dialect));
  process.stdout.write(`${JSON.stringify({ bench: 'metrics', rows })}\n`);
}
