import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCursor, saveCursor } from '../../store/repos/cursors.js';
import { productRegistry } from '../../registry.js';
import { runKoppel } from '../../testing/run-koppel.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { formatQuantity, toQuantity } from './stock-quantity.js';
import { stockFlowKind } from './stock-flow.js';
import {
  article,
  asperionWrites,
  exactStock,
  q,
  reasons,
  setAsperionStock,
  stockCount,
  stockItems,
} from '../../testing/stock-helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** The stock flow in its default mode: per article a visible outcome, and nothing written to Asperion. */
describe.each(testDialects)('stock flow, report mode (%s)', (dialect) => {
  let pair: Pair;
  let items: any[];
  let main: any;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'stock' });
    main = (await pair.exact('inventory/Warehouses', { $select: 'ID,Code,Main' })).find((w) => w.Main);
    // Three stock items: one in step with Asperion, one differing, one without an Asperion article.
    items = await stockItems(pair, 3);
    await article(pair, items[0].Code, await exactStock(pair, items[0].ID));
    await article(pair, items[1].Code, (await exactStock(pair, items[1].ID)) - 2);
  }, 30_000);
  afterAll(() => pair?.close());

  it('reports each article in step, differing or missing, writes nothing, and a re-run reads nothing new', async () => {
    await pair.asperion.call('DELETE', '/__sandbox/requests');
    const first = await pair.run();
    expect(first.state).toBe('succeeded');
    const why = await reasons(pair, first.runId);
    const [a, b, c] = await Promise.all(items.map((i) => exactStock(pair, i.ID)));
    expect(why.get(items[0].ID)).toBe(`${items[0].Code} in step: Exact ${q(a!)}, Asperion ${q(a!)}`);
    expect(why.get(items[1].ID)).toBe(
      `${items[1].Code}: Exact ${q(b!)}, Asperion ${q(b! - 2)}, difference +2 (Asperion's stock is read-only: book it in Asperion)`,
    );
    expect(why.get(items[2].ID)).toBe(
      `no Asperion article with code ${items[2].Code} (Exact ${q(c!)}): this flow creates no articles, the products flow does`,
    );
    // Every Exact item with a stock position has one record, and each one was skipped with a reason.
    const positions = await pair.exact('sync/Inventory/StockPositions', {
      $select: 'ItemId',
      $filter: 'Timestamp gt 1',
    });
    expect(why.size).toBe(new Set(positions.map((p) => p.ItemId)).size);
    expect(first.counts).toMatchObject({ read: why.size, skipped: why.size, created: 0, updated: 0 });
    expect(await asperionWrites(pair)).toEqual([]);
    // The run's summary, for the log and its alerts.
    const summary = `1 article differs in stock between Exact and Asperion, ${why.size - 2} items have no Asperion article`;
    expect(pair.fx.h.logLines.some((l) => l.includes(summary))).toBe(true);

    // What `koppel records` shows: the outcome in the `why` column.
    const listed = await runKoppel(pair.fx.h, ['records', 'stock', '--source-id', items[1].ID], {
      registry: productRegistry,
    });
    expect(listed.out).toContain(`${items[1].Code}: Exact ${q(b!)}, Asperion ${q(b! - 2)}, difference +2`);

    const again = await pair.run();
    expect(again.counts).toMatchObject({ read: 0, created: 0, updated: 0 });
    expect(await asperionWrites(pair)).toEqual([]);
  });

  it('reports a stock count made in Exact in the next run, for that item only', async () => {
    const before = await exactStock(pair, items[0].ID);
    await stockCount(pair, main.ID, items[0].ID, 3);
    await stockCount(pair, main.ID, items[0].ID, 0.25);
    const run = await pair.run();
    const why = await reasons(pair, run.runId);
    expect([...why.keys()]).toEqual([items[0].ID]);
    expect(why.get(items[0].ID)).toBe(
      `${items[0].Code}: Exact ${q(before + 3.25)}, Asperion ${q(before)}, difference +3.25 (Asperion's stock is read-only: book it in Asperion)`,
    );
  });

  it("reports a difference again while it persists, and sees a change on Asperion's side, once recheckHours have passed", async () => {
    const b = await exactStock(pair, items[1].ID);
    await setAsperionStock(pair, items[1].Code, b);
    expect((await pair.run()).counts.read).toBe(0);
    // A day on (the last full comparison's time in the cursor moved back; tokens stay valid).
    const db = pair.fx.h.store.db;
    const cursor = (await readCursor(db, 'stock')) ?? '';
    const now = pair.fx.clock.now();
    const dayAgo = new Date(now.getTime() - 24 * 3_600_000).toISOString();
    await saveCursor(db, 'stock', `${cursor.split('@')[0]}@${dayAgo}`, now.toISOString());
    const run = await pair.run();
    const why = await reasons(pair, run.runId);
    expect(why.get(items[1].ID)).toBe(`${items[1].Code} in step: Exact ${q(b)}, Asperion ${q(b)}`);
    expect(why.get(items[0].ID)).toMatch(/difference \+3\.25 \(Asperion's stock is read-only/);
    expect(await asperionWrites(pair)).toEqual([]);
  });

  it('sums the chosen warehouses and quantity (free stock: on hand less reserved)', async () => {
    const shop = (await pair.exact('inventory/Warehouses', { $select: 'ID,Code,Main' })).find((w) => !w.Main);
    const links = await pair.exact('inventory/ItemWarehouses', {
      $select: 'Item,WarehouseCode,CurrentStock,ReservedStock',
    });
    const inShop =
      links.find((l) => l.WarehouseCode === shop.Code && l.ReservedStock > 0) ??
      links.find((l) => l.WarehouseCode === shop.Code);
    await pair.setSettings({ warehouses: [shop.Code], quantity: 'FreeStock' });
    await pair.fx.h.store.db.deleteFrom('cursors').where('flow_id', '=', 'stock').execute();
    const run = await pair.run();
    const why = await reasons(pair, run.runId);
    const free = toQuantity(inShop.CurrentStock, 'c') - toQuantity(inShop.ReservedStock, 'r');
    expect(why.get(inShop.Item)).toContain(`Exact ${formatQuantity(free)}`);
    // An item kept only in the main warehouse has none in the shop.
    const onlyMain = links.find(
      (l) => !links.some((o) => o.Item === l.Item && o.WarehouseCode === shop.Code),
    );
    expect(why.get(onlyMain.Item)).toMatch(/Exact 0\b/);
    await pair.setSettings({});

    // koppel check names a warehouse code Exact does not have.
    const check = async (warehouses: unknown) =>
      stockFlowKind.checkMappings!(await pair.runtimeContext({ warehouses }), stockFlowKind.defaultMapping);
    expect(await check([shop.Code, 'NOPE'])).toEqual([
      expect.objectContaining({
        domain: 'warehouse',
        value: 'NOPE',
        where: 'settings.warehouses: not an Exact warehouse code',
      }),
    ]);
    expect(await check('all')).toEqual([]);
  });
});
