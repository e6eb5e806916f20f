import { benchReady } from './bench-pair.js';
import { runFlow } from '../src/engine/run-flow.js';
import { startPair, type Pair } from '../src/testing/flow-test-pair.js';
import type { FlowFigures } from './flow-figures.js';

/**
 * The products flow (Exact items → Asperion articles) on SQLite with the sandboxes' limits off: a
 * first full load of the Exact demo items plus `BENCH_PRODUCTS` (2,000) added items, each with a
 * general sales price and two extra fields, then a steady run after 10 items changed. Calls per
 * record come from the runs' own API call counts (RunResult.apiCalls).
 */
const added = Number(process.env.BENCH_PRODUCTS ?? 2_000);
const changed = 10;
const fixtureChunk = 1_000;

const hex = (n: number) => n.toString(16).padStart(12, '0');
const itemId = (n: number) => `0f000000-0000-4000-8000-${hex(n)}`;
const priceId = (n: number) => `0c000000-0000-4000-8000-${hex(n)}`;

async function addItems(pair: Pair): Promise<void> {
  for (let start = 0; start < added; start += fixtureChunk) {
    const ns = Array.from({ length: Math.min(fixtureChunk, added - start) }, (_, i) => start + i);
    await pair.addExact({
      'logistics/Items': ns.map((n) => ({
        ID: itemId(n),
        Code: `BENCH-${String(n).padStart(5, '0')}`,
        Description: `Bench artikel ${n}`,
        IsSalesItem: true,
        IsStockItem: n % 5 !== 0,
        IsWebshopItem: 1,
        SalesVatCode: n % 3 === 0 ? 'VL' : 'VH',
        Unit: 'pc',
        Barcode: String(8_719_326_000_000 + n),
        FreeTextField_01: ['Zwart', 'Rood', 'Blauw'][n % 3],
        FreeTextField_03: 'Spaakwerk',
      })),
      'logistics/SalesItemPrices': ns.map((n) => ({
        ID: priceId(n),
        Item: itemId(n),
        Price: 5 + (n % 400) + 0.95,
        Currency: 'EUR',
      })),
    });
  }
}

export async function measureProducts(): Promise<FlowFigures> {
  const pair = await startPair('sqlite', { kind: 'products' });
  try {
    const { h } = pair.fx;
    await benchReady(pair);
    await addItems(pair);

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      const started = performance.now();
      const first = await runFlow(h.deps, { flowId: 'products', trigger: 'manual' });
      const seconds = (performance.now() - started) / 1000;
      const records = first.counts.read;

      for (let n = 0; n < changed; n++)
        await pair.writeExact('PUT', `logistics/Items(guid'${itemId(n * 7)}')`, {
          Description: `Bench artikel ${n * 7} (gewijzigd)`,
        });
      const steady = await runFlow(h.deps, { flowId: 'products', trigger: 'manual' });
      if (steady.counts.updated !== changed) throw new Error(`steady run: ${JSON.stringify(steady.counts)}`);
      const sourceCalls = steady.apiCalls['exact'] ?? 0;
      const targetCalls = steady.apiCalls['asperion'] ?? 0;
      return {
        flow: 'products',
        firstLoad: {
          records,
          created: first.counts.created,
          updated: first.counts.updated,
          skipped: first.counts.skipped,
          failed: first.counts.deadLettered + first.counts.failed,
          sourceCallsPerRecord: (first.apiCalls['exact'] ?? 0) / records,
          targetCallsPerRecord: (first.apiCalls['asperion'] ?? 0) / records,
          recordsPerSecond: records / seconds,
        },
        steady: {
          changed,
          sourceCallsPerRecord: sourceCalls / changed,
          targetCallsPerRecord: targetCalls / changed,
          sourceCalls,
          targetCalls,
        },
        peakRssMb: Math.round(peak / 1024 / 1024),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await pair.close();
  }
}
