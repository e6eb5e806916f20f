import { benchReady } from './bench-pair.js';
import { runFlow, type RunResult } from '../src/engine/run-flow.js';
import { startPair, type Pair } from '../src/testing/flow-test-pair.js';
import type { FlowFigures } from './flow-figures.js';

/**
 * The stock flow (Exact stock positions → Asperion articles, report mode, the default) on SQLite with
 * the sandboxes' limits off: a first full load of the demo's stock positions plus `BENCH_STOCK_ITEMS`
 * (2,000) added items with stock, each of those with an Asperion article (half in step, half one
 * off), then a steady run after 10 stock counts. Calls per record come from the runs' own counts.
 */
const addedItems = Number(process.env.BENCH_STOCK_ITEMS ?? 2_000);
const changed = 10;
const fixtureChunk = 1_000;
const articleConcurrency = 16;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const itemId = (n: number) => `0a000000-0000-4000-8000-${hex(n, 12)}`;
const countId = (n: number) => `0b000000-0000-4000-8000-${hex(n, 12)}`;
const code = (n: number) => `STOCK-${String(n).padStart(5, '0')}`;
const exactStock = (n: number) => 10 + (n % 50);

/** A processed stock count in `warehouse` setting each listed item's stock, through the fixture API. */
async function count(pair: Pair, id: string, warehouse: string, lines: Array<[number, number]>) {
  await pair.addExact({
    'inventory/StockCounts': [
      {
        StockCountID: id,
        Warehouse: warehouse,
        StockCountDate: '2026-03-10',
        Description: 'Bench',
        StockCountLines: lines.map(([n, quantity]) => ({ Item: itemId(n), QuantityNew: quantity })),
      },
    ],
    'inventory/ProcessStockCount': [{ StockCountID: id }],
  });
}

export async function measureStock(): Promise<FlowFigures> {
  const pair = await startPair('sqlite', { kind: 'stock' });
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  try {
    const { h } = pair.fx;
    await benchReady(pair);

    // The added items, with stock in the main warehouse through processed stock counts.
    const [main] = (await pair.exact('inventory/Warehouses', { $select: 'ID,Main' })).filter((w) => w.Main);
    for (let start = 0; start < addedItems; start += fixtureChunk) {
      const ns = Array.from({ length: Math.min(fixtureChunk, addedItems - start) }, (_, i) => start + i);
      await pair.addExact({
        'logistics/Items': ns.map((n) => ({
          ID: itemId(n),
          Code: code(n),
          Description: `Stock bench item ${n}`,
          IsStockItem: true,
        })),
      });
      await count(
        pair,
        countId(start),
        String(main.ID),
        ns.map((n) => [n, exactStock(n)]),
      );
    }
    // Their Asperion articles, created with their stock (the sandbox's `accept` stands in for the
    // app, where Asperion's stock is kept): half in step with Exact, half one short.
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'accept' } });
    for (let start = 0; start < addedItems; start += articleConcurrency)
      await Promise.all(
        Array.from({ length: Math.min(articleConcurrency, addedItems - start) }, async (_, i) => {
          const n = start + i;
          const res = await pair.asperion.call('POST', '/v1/articles', {
            headers: { 'x-tenant-id': '1' },
            body: {
              code: code(n),
              description: `Stock bench item ${n}`,
              salesTypeId: 1,
              currentStock: exactStock(n) - (n % 2),
            },
          });
          if (res.status >= 300) throw new Error(`article ${code(n)}: ${JSON.stringify(res.body)}`);
        }),
      );
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'reject' } });
    sample();

    const started = performance.now();
    const first = await runFlow(h.deps, { flowId: 'stock', trigger: 'manual' });
    const seconds = (performance.now() - started) / 1000;
    sample();
    assertRan(first, 'first load');

    await count(
      pair,
      countId(addedItems + 1),
      String(main.ID),
      Array.from({ length: changed }, (_, i) => [i * 7, exactStock(i * 7) + 3]),
    );
    const steady = await runFlow(h.deps, { flowId: 'stock', trigger: 'manual' });
    sample();
    assertRan(steady, 'steady run');
    if (steady.counts.read !== changed)
      throw new Error(`steady run read ${steady.counts.read} items, expected ${changed}`);

    const per = (calls: number | undefined, records: number) => (records === 0 ? 0 : (calls ?? 0) / records);
    const records = first.counts.read;
    return {
      flow: 'stock',
      firstLoad: {
        records,
        created: first.counts.created,
        updated: first.counts.updated,
        skipped: first.counts.skipped,
        failed: first.counts.failed,
        sourceCallsPerRecord: per(first.apiCalls['exact'], records),
        targetCallsPerRecord: per(first.apiCalls['asperion'], records),
        recordsPerSecond: records / seconds,
      },
      steady: {
        changed,
        sourceCallsPerRecord: per(steady.apiCalls['exact'], changed),
        targetCallsPerRecord: per(steady.apiCalls['asperion'], changed),
        sourceCalls: steady.apiCalls['exact'] ?? 0,
        targetCalls: steady.apiCalls['asperion'] ?? 0,
      },
      peakRssMb: Math.round(peak / 1_048_576),
    };
  } finally {
    await pair.close();
  }
}

function assertRan(run: RunResult, what: string): void {
  if (run.state !== 'succeeded') throw new Error(`${what}: ${run.state} ${JSON.stringify(run.counts)}`);
}
