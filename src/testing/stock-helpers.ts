import type { Pair } from './flow-test-pair.js';
import { formatQuantity, toQuantity } from '../flows/stock/stock-quantity.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

// What the stock flow's tests do to both sandboxes and read from the store.

/** The first `n` Exact items with a stock position, as `{ ID, Code }`. */
export async function stockItems(pair: Pair, n: number): Promise<Array<{ ID: string; Code: string }>> {
  const links = await pair.exact('inventory/ItemWarehouses', { $select: 'Item,ItemCode' });
  const byId = new Map(links.map((l) => [l.Item as string, l.ItemCode as string]));
  return [...byId].slice(0, n).map(([ID, Code]) => ({ ID, Code }));
}

export const q = (n: number) => formatQuantity(toQuantity(n, 'n'));

/** An Exact item's stock over all warehouses, as Exact's API has it (summed exactly). */
export async function exactStock(pair: Pair, itemId: string): Promise<number> {
  const rows = await pair.exact('inventory/ItemWarehouses', {
    $select: 'CurrentStock',
    $filter: `Item eq guid'${itemId}'`,
  });
  return Number(formatQuantity(rows.reduce((s, r) => s + toQuantity(r.CurrentStock, 'c'), 0n)));
}

export async function postExact(pair: Pair, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${pair.fx.url}/api/v1/${pair.fx.division}/${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${pair.fx.accessToken}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${await res.text()}`);
  return ((await res.json()) as any).d;
}

/** Moves an item's stock in a warehouse the way Exact does: a stock count, processed. */
export async function stockCount(pair: Pair, warehouse: string, item: string, difference: number) {
  const count = await postExact(pair, 'inventory/StockCounts', {
    Warehouse: warehouse,
    StockCountDate: '2026-03-10',
    Description: 'Telling',
    StockCountLines: [{ Item: item, QuantityDifference: difference }],
  });
  await postExact(pair, 'inventory/ProcessStockCount', { StockCountID: count.StockCountID });
}

const tenant = { 'x-tenant-id': '1' };

/** An Asperion article for an Exact item code, with this stock (set as the app would). */
export async function article(pair: Pair, code: string, stock: number): Promise<number> {
  const res = await pair.asperion.call('POST', '/v1/articles', {
    body: { code, description: code, salesTypeId: 1 },
    headers: tenant,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(JSON.stringify(res.body));
  await setAsperionStock(pair, code, stock);
  return res.body.id;
}

/** Asperion's stock moves only in the app (reference 2.10); the sandbox's `accept` stands in for that here. */
export async function setAsperionStock(pair: Pair, code: string, stock: number) {
  const [found] = (await pair.list(
    `articles?Code=${encodeURIComponent(code)}&Code_comparison=Equals`,
  )) as any[];
  const before = (await pair.asperion.call('GET', '/__sandbox/settings')).body.currentStockOnCreate;
  await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'accept' } });
  const res = await pair.asperion.call('PUT', `/v1/articles/${found.id}`, {
    body: { currentStock: stock },
    headers: tenant,
  });
  await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: before } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  // These test writes are no flow's: leave the request log to what the flow does.
  await pair.asperion.call('DELETE', '/__sandbox/requests');
}

/** The flow's writes to Asperion since the request log was last cleared. */
export async function asperionWrites(pair: Pair): Promise<string[]> {
  const { requests } = (await pair.asperion.call('GET', '/__sandbox/requests')).body;
  return (requests as any[]).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`);
}

/** Per source id, the reason a run's record was skipped (what `koppel records` shows as why). */
export async function reasons(pair: Pair, runId: string): Promise<Map<string, string>> {
  const rows = await pair.fx.h.store.db
    .selectFrom('records')
    .select(['source_id', 'state', 'timeline', 'error_message'])
    .where('run_id', '=', runId)
    .execute();
  return new Map(
    rows.map((r) => {
      const steps = JSON.parse(r.timeline) as Array<{ step: string; detail?: string }>;
      return [
        r.source_id,
        r.state === 'skipped'
          ? (steps.findLast((s) => s.step === 'skipped')?.detail ?? '')
          : `${r.state}: ${r.error_message ?? ''}`,
      ];
    }),
  );
}
