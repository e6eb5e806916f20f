import { ExactClient } from '../src/connectors/exact-online/exact-client.js';
import { startExactFixture } from '../src/testing/exact-fixture.js';

/**
 * 10,000 items read through the three ways Exact offers: the normal endpoint (pages of 60), the
 * bulk endpoint and the sync endpoint (pages of 1,000), with the sandbox's limits off. Prints the
 * calls each way used and the time per 1,000 records; ends with one JSON line.
 */
const total = Number(process.env.BENCH_EXACT_ITEMS ?? 10_000);
const select = ['ID', 'Code', 'Description', 'Unit', 'SalesVatCode', 'IsStockItem', 'Barcode', 'Modified'];

interface Way {
  name: string;
  read(client: ExactClient): AsyncIterable<unknown[]>;
}

const ways: Way[] = [
  {
    name: 'normal',
    // Items has mandatory filtering (reference 3.4); every item has a Code.
    read: (client) => client.pages('logistics/Items', { select, filter: "Code ne ''" }),
  },
  { name: 'bulk', read: (client) => client.bulkRows('bulk/Logistics/Items', { select }) },
  {
    name: 'sync',
    read: async function* (client) {
      for await (const page of client.syncRows('sync/Logistics/Items', { select, checkpoint: null }))
        yield page.rows;
    },
  },
];

export async function exactBench(): Promise<void> {
  const fx = await startExactFixture('sqlite', { seed: 'empty' });
  try {
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${fx.url}/__sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} /__sandbox/${path}: ${res.status} ${await res.text()}`);
      return res;
    };
    await control('PUT', 'settings', {
      minutelyLimit: 1_000_000_000,
      dailyLimit: 1_000_000_000,
      errorsPerHour: 0,
      requestLogSize: 1_000_000,
    });
    const loadStart = performance.now();
    for (let from = 0; from < total; from += 2_000) {
      const items = Array.from({ length: Math.min(2_000, total - from) }, (_, i) => ({
        Code: `BENCH-${String(from + i).padStart(6, '0')}`,
        Description: `Benchmark item ${from + i}`,
        Barcode: String(8_700_000_000_000 + from + i),
        IsStockItem: (from + i) % 3 !== 0,
      }));
      await control('POST', 'fixture', {
        divisions: { [String(fx.division)]: { 'logistics/Items': items } },
      });
    }
    process.stdout.write(
      `exact: ${total.toLocaleString('en')} items loaded in ${Math.round(performance.now() - loadStart)} ms\n`,
    );
    const client = new ExactClient(await fx.context(), fx.app, fx.division);
    const figures: Record<string, { calls: number; ms_per_1000: number; records: number }> = {};
    for (const way of ways) {
      await control('DELETE', 'requests');
      const start = performance.now();
      let records = 0;
      for await (const page of way.read(client)) records += page.length;
      const ms = performance.now() - start;
      const calls = (await fx.requests()).filter((r) => r.path.startsWith('/api/v1/')).length;
      if (records !== total) throw new Error(`${way.name}: read ${records} items, expected ${total}`);
      figures[way.name] = { calls, ms_per_1000: Math.round((ms / records) * 1000 * 10) / 10, records };
      process.stdout.write(
        `exact ${way.name.padEnd(6)} ${records} items, ${String(calls).padStart(4)} calls, ` +
          `${figures[way.name]!.ms_per_1000} ms per 1,000 records\n`,
      );
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: 'exact',
        items: total,
        ...Object.fromEntries(
          Object.entries(figures).flatMap(([name, f]) => [
            [`${name}_calls`, f.calls],
            [`${name}_ms_per_1000`, f.ms_per_1000],
          ]),
        ),
      })}\n`,
    );
  } finally {
    await fx.close();
  }
}
