import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { describe, expect, it } from 'vitest';
import { exactMessages } from '../odata-error.js';

const api = useDivisionApi();
const { allRows, created, errorOf, get, one, post, rows } = api;

const nobody = '11111111-2222-4333-8444-555566667777';

async function stockItems(): Promise<Row[]> {
  const items = await allRows(
    `logistics/Items?$filter=Code ne '' and IsStockItem eq true&$select=ID,Code,IsStockItem,Stock`,
  );
  expect(items.length).toBeGreaterThan(0);
  expect(items.every((i) => i['IsStockItem'] === true)).toBe(true);
  return items;
}

async function stockPosition(itemId: unknown): Promise<Row[]> {
  const res = await get(`read/logistics/StockPosition?itemId=guid'${String(itemId)}'`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { d: Row[] };
  // Function endpoints answer d as a bare array (reference 4.2).
  expect(Array.isArray(body.d)).toBe(true);
  return body.d;
}

async function warehouses(): Promise<{ main: Row; other: Row }> {
  const all = await rows('inventory/Warehouses');
  return { main: all.find((w) => w['Main'] === 1) ?? {}, other: all.find((w) => w['Main'] === 0) ?? {} };
}

describe('inventory/Warehouses', () => {
  it('has two warehouses per division, exactly one main', async () => {
    for (const division of [3215711, 3215712, 3215713]) {
      const res = await api.sandbox.call('GET', `/api/v1/${division}/inventory/Warehouses`, api.token);
      const all = ((await res.json()) as { d: { results: Row[] } }).d.results;
      expect(all).toHaveLength(2);
      expect(all.filter((w) => w['Main'] === 1)).toHaveLength(1);
    }
  });

  it('moves Main to a new main warehouse, refuses leaving none, and keeps Code unique', async () => {
    const { main } = await warehouses();
    const added = await created('inventory/Warehouses', {
      Code: '3',
      Description: 'Distributiecentrum',
      Main: 1,
    });
    expect(added['Main']).toBe(1);
    expect((await one(`inventory/Warehouses(guid'${String(main['ID'])}')`))['Main']).toBe(0);
    const uri = `${api.base}/inventory/Warehouses(guid'${String(added['ID'])}')`;
    expect((await errorOf(await api.sandbox.call('PUT', uri, api.token, { Main: 0 })))[0]).toBe(500);
    expect(await errorOf(await post('inventory/Warehouses', { Code: '3', Description: 'Dubbel' }))).toEqual([
      500,
      'Gegeven bestaat reeds.',
    ]);
  });

  it('refuses deleting the main warehouse or one that holds items, and deletes an empty one', async () => {
    const { main, other } = await warehouses();
    const uri = (w: Row): string => `${api.base}/inventory/Warehouses(guid'${String(w['ID'])}')`;
    expect((await errorOf(await api.sandbox.call('DELETE', uri(main), api.token)))[0]).toBe(500);
    expect((await errorOf(await api.sandbox.call('DELETE', uri(other), api.token)))[0]).toBe(500);
    const empty = await created('inventory/Warehouses', { Code: '9', Description: 'Leeg' });
    expect((await api.sandbox.call('DELETE', uri(empty), api.token)).status).toBe(204);
  });
});

describe('inventory/ItemWarehouses', () => {
  it('links every demo stock item to the main warehouse with stock and lookups', async () => {
    const { main } = await warehouses();
    const links = await allRows(`inventory/ItemWarehouses?$filter=Warehouse eq guid'${String(main['ID'])}'`);
    const items = await stockItems();
    expect(new Set(links.map((l) => l['Item']))).toEqual(new Set(items.map((i) => i['ID'])));
    const link = links[0] ?? {};
    const item = items.find((i) => i['ID'] === link['Item']);
    expect(link).toMatchObject({
      ItemCode: item?.['Code'],
      WarehouseCode: main['Code'],
      ItemIsStockItem: true,
    });
    expect(link['ProjectedStock']).toBe(
      Number(link['CurrentStock']) + Number(link['PlannedStockIn']) - Number(link['PlannedStockOut']),
    );
  });

  it('requires Item and Warehouse, refuses unknown ones and a second link of the same pair', async () => {
    const { main } = await warehouses();
    const item = (await stockItems())[0] ?? {};
    expect(await errorOf(await post('inventory/ItemWarehouses', { Warehouse: main['ID'] }))).toEqual([
      500,
      'Verplicht: Item',
    ]);
    expect(await errorOf(await post('inventory/ItemWarehouses', { Item: item['ID'] }))).toEqual([
      500,
      'Verplicht: Warehouse',
    ]);
    expect(
      await errorOf(await post('inventory/ItemWarehouses', { Item: nobody, Warehouse: main['ID'] })),
    ).toEqual([500, 'Bestaat niet: Item']);
    expect(
      await errorOf(await post('inventory/ItemWarehouses', { Item: item['ID'], Warehouse: main['ID'] })),
    ).toEqual([500, 'Gegeven bestaat reeds.']);
  });

  it('ignores posted stock quantities, deletes an empty link (EntityType 19) and keeps one with stock', async () => {
    const { main, other } = await warehouses();
    const linked = new Set(
      (await allRows(`inventory/ItemWarehouses?$filter=Warehouse eq guid'${String(other['ID'])}'`)).map(
        (l) => l['Item'],
      ),
    );
    const item = (await stockItems()).find((i) => !linked.has(i['ID'])) ?? {};
    // Stock quantities are read-only, so a posted CurrentStock is ignored.
    const row = await created('inventory/ItemWarehouses', {
      Item: item['ID'],
      Warehouse: other['ID'],
      CurrentStock: 999,
      ReorderPoint: 4,
    });
    expect(row).toMatchObject({ CurrentStock: 0, ReorderPoint: 4, WarehouseCode: other['Code'] });
    const uri = `${api.base}/inventory/ItemWarehouses(guid'${String(row['ID'])}')`;
    expect((await api.sandbox.call('DELETE', uri, api.token)).status).toBe(204);
    expect(api.sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({
      entityKey: row['ID'],
      entityType: 19,
    });
    const stocked = (
      await rows(
        `inventory/ItemWarehouses?$filter=Warehouse eq guid'${String(main['ID'])}' and CurrentStock gt 0`,
      )
    )[0];
    const refused = await api.sandbox.call(
      'DELETE',
      `${api.base}/inventory/ItemWarehouses(guid'${String(stocked?.['ID'])}')`,
      api.token,
    );
    expect((await errorOf(refused))[0]).toBe(500);
  });
});

describe('read/logistics/StockPosition (reference 7.16)', () => {
  it('sums the item warehouses into one row: InStock, planning, reserved and free stock', async () => {
    const item = (await stockItems())[0] ?? {};
    const links = await rows(`inventory/ItemWarehouses?$filter=Item eq guid'${String(item['ID'])}'`);
    const sum = (field: string): number => links.reduce((n, l) => n + Number(l[field]), 0);
    const [position, ...more] = await stockPosition(item['ID']);
    expect(more).toHaveLength(0);
    expect(position).toMatchObject({
      ItemId: item['ID'],
      InStock: sum('CurrentStock'),
      PlanningIn: sum('PlannedStockIn'),
      PlanningOut: sum('PlannedStockOut'),
      ReservedStock: sum('ReservedStock'),
      FreeStock: sum('CurrentStock') - sum('ReservedStock'),
      ProjectedStock: sum('ProjectedStock'),
    });
    expect(item['Stock']).toBe(sum('CurrentStock'));
  });

  it('answers $select, an empty array for an unknown item, and matches the path case-insensitively', async () => {
    const item = (await stockItems())[0] ?? {};
    const res = await get(`read/logistics/StockPosition?itemId=guid'${String(item['ID'])}'&$select=InStock`);
    expect(Object.keys(((await res.json()) as { d: Row[] }).d[0] ?? {})).toEqual(['__metadata', 'InStock']);
    expect(await stockPosition(nobody)).toEqual([]);
    expect((await get(`READ/Logistics/StockPosition?itemId=guid'${String(item['ID'])}'`)).status).toBe(200);
  });

  it('refuses a missing or malformed itemId, a $filter, a key and other verbs', async () => {
    const item = (await stockItems())[0] ?? {};
    const syntax: [number, string] = [400, exactMessages.querySyntax];
    expect(await errorOf(await get('read/logistics/StockPosition'))).toEqual(syntax);
    expect(await errorOf(await get(`read/logistics/StockPosition?itemId='${String(item['ID'])}'`))).toEqual(
      syntax,
    );
    // S10 #198: a $filter on ItemId gives "Error in query syntax".
    expect(
      await errorOf(await get(`read/logistics/StockPosition?$filter=ItemId eq guid'${String(item['ID'])}'`)),
    ).toEqual(syntax);
    expect((await get(`read/logistics/StockPosition(guid'${String(item['ID'])}')`)).status).toBe(404);
    expect((await post('read/logistics/StockPosition', {})).status).toBe(405);
    expect((await get('read/logistics/NoSuchFunction')).status).toBe(404);
  });
});

describe('inventory/StockCounts', () => {
  it('creates a draft count that changes no stock until processed, then sets CurrentStock', async () => {
    const { main } = await warehouses();
    const [first, second] = await stockItems();
    const before = (await stockPosition(first?.['ID']))[0] ?? {};
    const link = (
      await rows(
        `inventory/ItemWarehouses?$filter=Item eq guid'${String(first?.['ID'])}' and Warehouse eq guid'${String(main['ID'])}'`,
      )
    )[0];
    const count = await created('inventory/StockCounts', {
      Warehouse: main['ID'],
      StockCountDate: '2026-03-10',
      Description: 'Telling',
      StockCountLines: [
        { Item: first?.['ID'], QuantityNew: Number(link?.['CurrentStock']) + 7.5 },
        { Item: second?.['ID'], QuantityDifference: -0.3 },
      ],
    });
    expect(count['Status']).toBe(12);
    const lines = (count['StockCountLines'] as { results: Row[] }).results;
    expect(lines[0]).toMatchObject({
      QuantityInStock: link?.['CurrentStock'],
      QuantityDifference: 7.5,
      LineNumber: 1,
    });
    expect(lines[1]?.['QuantityNew']).toBe(Number(lines[1]?.['QuantityInStock']) - 0.3);
    expect((await stockPosition(first?.['ID']))[0]?.['InStock']).toBe(before['InStock']);

    const processed = await post('inventory/ProcessStockCount', { StockCountID: count['StockCountID'] });
    expect(processed.status).toBe(201);
    const after = (await stockPosition(first?.['ID']))[0] ?? {};
    expect(after['InStock']).toBe(Number(before['InStock']) + 7.5);
    const linkAfter = await one(`inventory/ItemWarehouses(guid'${String(link?.['ID'])}')`);
    expect(linkAfter['CurrentStock']).toBe(Number(link?.['CurrentStock']) + 7.5);
    const item = await one(`logistics/Items(guid'${String(first?.['ID'])}')`);
    expect(item['Stock']).toBe(after['InStock']);
    const stored = await one(
      `inventory/StockCounts(guid'${String(count['StockCountID'])}')?$expand=StockCountLines`,
    );
    expect(stored['Status']).toBe(21);
    expect((stored['StockCountLines'] as { results: Row[] }).results).toHaveLength(2);
  });

  it('refuses processing twice and changing a processed count', async () => {
    const { main } = await warehouses();
    const [item] = await stockItems();
    const count = await created('inventory/StockCounts', {
      Warehouse: main['ID'],
      StockCountDate: '2026-03-10',
      StockCountLines: [{ Item: item?.['ID'], QuantityNew: 3 }],
    });
    expect((await post('inventory/ProcessStockCount', { StockCountID: count['StockCountID'] })).status).toBe(
      201,
    );
    expect(
      (await errorOf(await post('inventory/ProcessStockCount', { StockCountID: count['StockCountID'] })))[0],
    ).toBe(500);
    const uri = `${api.base}/inventory/StockCounts(guid'${String(count['StockCountID'])}')`;
    expect((await errorOf(await api.sandbox.call('PUT', uri, api.token, { Description: 'later' })))[0]).toBe(
      500,
    );
    expect((await errorOf(await api.sandbox.call('DELETE', uri, api.token)))[0]).toBe(500);
    expect(await errorOf(await post('inventory/ProcessStockCount', { StockCountID: nobody }))).toEqual([
      500,
      'Bestaat niet: StockCountID',
    ]);
  });

  it('links an item to the warehouse when a processed count is its first stock there', async () => {
    const { other } = await warehouses();
    const items = await stockItems();
    const linked = new Set(
      (await allRows(`inventory/ItemWarehouses?$filter=Warehouse eq guid'${String(other['ID'])}'`)).map(
        (l) => l['Item'],
      ),
    );
    const item = items.find((i) => !linked.has(i['ID']));
    expect(item).toBeDefined();
    const before = (await stockPosition(item?.['ID']))[0]?.['InStock'];
    const count = await created('inventory/StockCounts', {
      Warehouse: other['ID'],
      StockCountDate: '2026-03-10',
      StockCountLines: [{ Item: item?.['ID'], QuantityNew: 4 }],
    });
    await post('inventory/ProcessStockCount', { StockCountID: count['StockCountID'] });
    const links = await rows(
      `inventory/ItemWarehouses?$filter=Item eq guid'${String(item?.['ID'])}' and Warehouse eq guid'${String(other['ID'])}'`,
    );
    expect(links[0]?.['CurrentStock']).toBe(4);
    expect((await stockPosition(item?.['ID']))[0]?.['InStock']).toBe(Number(before) + 4);
  });

  it('requires Warehouse, StockCountDate and lines, known items, and refuses $skip', async () => {
    const { main } = await warehouses();
    const [item] = await stockItems();
    const line = { Item: item?.['ID'], QuantityNew: 1 };
    expect(
      await errorOf(
        await post('inventory/StockCounts', { StockCountDate: '2026-03-10', StockCountLines: [line] }),
      ),
    ).toEqual([500, 'Verplicht: Warehouse']);
    expect(
      await errorOf(await post('inventory/StockCounts', { Warehouse: main['ID'], StockCountLines: [line] })),
    ).toEqual([500, 'Verplicht: StockCountDate']);
    expect(
      await errorOf(
        await post('inventory/StockCounts', { Warehouse: main['ID'], StockCountDate: '2026-03-10' }),
      ),
    ).toEqual([500, 'Verplicht: StockCountLines']);
    expect(
      await errorOf(
        await post('inventory/StockCounts', {
          Warehouse: main['ID'],
          StockCountDate: '2026-03-10',
          StockCountLines: [{ Item: nobody, QuantityNew: 1 }],
        }),
      ),
    ).toEqual([500, 'Bestaat niet: Item']);
    expect((await get('inventory/StockCounts?$skip=1')).status).toBe(400);
    expect((await get('inventory/StockCounts')).status).toBe(200);
  });
});
