import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunFlow } from '../../engine/dry-run-flow.js';
import { replayDeadLetters } from '../../engine/replay.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { productsDefaultMapping } from './default-mapping.js';
import { productsFlowKind } from './products-flow.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const hex = (n: number) => n.toString(16).padStart(12, '0');
let serial = 0;
/** A new Exact item (a POST body of logistics/Items) with a fixed id. */
function item(code: string, fields: Record<string, unknown> = {}) {
  return {
    ID: `0a000000-0000-4000-8000-${hex(++serial)}`,
    Code: code,
    Description: `Artikel ${code}`,
    IsSalesItem: true,
    IsStockItem: true,
    IsWebshopItem: 1,
    SalesVatCode: 'VH',
    Unit: 'pc',
    ...fields,
  };
}

async function articles(pair: Pair): Promise<Map<string, any>> {
  return new Map((await pair.list('articles?ActiveState=All')).map((a) => [a.code, a]));
}

async function createArticle(pair: Pair, code: string) {
  const res = await pair.asperion.call('POST', '/v1/articles', {
    body: { code, description: `Handmatig ${code}`, salesTypeId: 1, salesPrice: 1 },
    headers: { 'x-tenant-id': '1' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The source ids of the dead letters still open. */
async function openLetters(pair: Pair): Promise<string[]> {
  const rows = await pair.fx.h.store.db
    .selectFrom('dead_letters')
    .select('source_id')
    .where('state', '=', 'open')
    .execute();
  return rows.map((r) => r.source_id);
}

/** The reasons the last run gave for skipping, by source id. */
async function skipped(pair: Pair): Promise<Map<string, string>> {
  return new Map(
    (await pair.records('skipped')).map((r) => [
      r.source_id,
      JSON.parse(r.timeline).find((s: any) => s.step === 'skipped')?.detail ?? '',
    ]),
  );
}

describe.each(testDialects)('products flow, filters, bad data and crash safety (%s)', (dialect) => {
  let pair: Pair;
  let groups: Map<string, string>;
  beforeAll(async () => {
    // The demo items are read once and left out, so each test reads only the items it adds.
    pair = await startPair(dialect, { kind: 'products', settings: { filters: { expression: 'false' } } });
    const first = await pair.run();
    expect(first.counts).toMatchObject({ created: 0 });
    expect(first.apiCalls['asperion'] ?? 0).toBe(0);
    groups = new Map(
      (await pair.exact('logistics/ItemGroups', { $select: 'ID,Code' })).map((g) => [g.Code, g.ID]),
    );
  });
  afterAll(async () => pair?.close());

  const scenarios: Array<[string, Record<string, unknown>, () => [any, any]]> = [
    ['salesOnly', {}, () => [item('FLT-SALE'), item('FLT-NOSALE', { IsSalesItem: false })]],
    ['webshopOnly', { webshopOnly: true }, () => [item('FLT-WEB'), item('FLT-NOWEB', { IsWebshopItem: 0 })]],
    [
      'itemGroups',
      { itemGroups: ['KLEDING'] },
      () => [
        item('FLT-KLED', { ItemGroup: groups.get('KLEDING') }),
        item('FLT-ACC', { ItemGroup: groups.get('ACCES') }),
      ],
    ],
    [
      'stock',
      { stock: 'nonStockOnly' },
      () => [item('FLT-VIRT', { IsStockItem: false, Unit: 'hour' }), item('FLT-STOCK')],
    ],
    [
      'expression',
      { expression: "$contains(Code, 'KEEP') and FreeBoolField_01 = true" },
      () => [item('FLT-KEEP', { FreeBoolField_01: true }), item('FLT-KEEP-NOT', { FreeBoolField_01: false })],
    ],
  ];
  it.each(scenarios)(
    'filters.%s sends the item that passes and skips the other with the reason',
    async (name, filters, make) => {
      const [kept, left] = make();
      await pair.setSettings({ filters });
      await pair.addExact({ 'logistics/Items': [kept, left] });
      const run = await pair.run();
      expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({
        read: 2,
        created: 1,
        skipped: 1,
      });
      const after = await articles(pair);
      expect(after.get(kept.Code)).toMatchObject({
        description: kept.Description,
        active: true,
        currentStock: 0,
      });
      expect(after.has(left.Code)).toBe(false);
      expect((await skipped(pair)).get(left.ID)).toContain(
        name === 'salesOnly' ? 'filters.salesOnly' : `filters.${name}`,
      );
    },
  );

  it('gives bad items their own error and dead letter while the rest goes through, and replays them once fixed', async () => {
    await pair.setSettings({});
    await createArticle(pair, 'FLT-CASE');
    const adopted = await createArticle(pair, 'FLT-ADOPT');
    const blank = item('   ');
    const lower = item('flt-case');
    const adopt = item('FLT-ADOPT', { Description: 'Overgenomen op SKU' });
    const cents = item('FLT-CENTS');
    const zero = item('FLT-ZERO', { SalesVatCode: 'EX' });
    const good = item('FLT-GOOD');
    await pair.addExact({
      'logistics/Items': [blank, lower, adopt, cents, zero, good],
      'logistics/SalesItemPrices': [
        { ID: '0b000000-0000-4000-8000-000000000001', Item: cents.ID, Price: 12.345, Currency: 'EUR' },
        { ID: '0b000000-0000-4000-8000-000000000002', Item: good.ID, Price: 19.95, Currency: 'EUR' },
      ],
    });
    const before = (await articles(pair)).size;
    const run = await pair.run();
    expect(run.state).toBe('partial');
    expect(run.counts).toMatchObject({ read: 6, created: 2, deadLettered: 4 });
    const after = await articles(pair);
    expect(after.size).toBe(before + 1);
    expect(after.get('FLT-GOOD')).toMatchObject({ salesPrice: 19.95, salesTypeId: 1 });
    // Created or updated by SKU: the article Asperion already had is the item's, not a second one.
    expect(after.get('FLT-ADOPT')).toMatchObject({ id: adopted.id, description: 'Overgenomen op SKU' });
    const letters = new Map((await pair.deadLetters()).map((l) => [l.slice(0, l.indexOf(':')), l]));
    expect(letters.get(blank.ID)).toMatch(/Exact item \(ID .*\): field "code".*required/i);
    expect(letters.get(lower.ID)).toMatch(/Asperion refuses article code "flt-case".*"FLT-CASE"/);
    expect(letters.get(cents.ID)).toMatch(
      /Exact item FLT-CENTS \(ID .*\): price 12\.345 \(field price\) is not an amount in cents/,
    );
    expect(letters.get(zero.ID)).toMatch(/Exact item FLT-ZERO .*"salesTypeId".*"EX"/);

    // Fixed in Exact (the price) and in the mapping (a sales type for EX): a replay sends them.
    await pair.writeExact('PUT', "logistics/SalesItemPrices(guid'0b000000-0000-4000-8000-000000000001')", {
      Price: 12.35,
    });
    const { valueMaps } = productsDefaultMapping;
    await pair.setMapping({
      ...productsDefaultMapping,
      valueMaps: { ...valueMaps, salesTypes: { entries: { ...valueMaps!['salesTypes']!.entries, EX: 5 } } },
    });
    await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'products' }, mode: 'current' });
    const fixed = await articles(pair);
    expect(fixed.get('FLT-CENTS')).toMatchObject({ salesPrice: 12.35 });
    expect(fixed.get('FLT-ZERO')).toMatchObject({ salesTypeId: 5 });
    expect((await openLetters(pair)).sort()).toEqual([blank.ID, lower.ID].sort());
    await pair.setMapping(productsDefaultMapping);
  });

  it('finds an uncertain create again by SKU instead of creating it twice', async () => {
    await pair.setSettings({});
    const landed = item('FLT-LANDED');
    const lost = item('FLT-LOST');
    // A crash after these creates were announced: one reached Asperion, the other never did.
    await createArticle(pair, landed.Code);
    const at = pair.fx.clock.now().toISOString();
    await pair.fx.h.store.db
      .insertInto('write_ahead')
      .values(
        [landed, lost].map((i, n) => ({
          id: `wa-products-${n}`,
          pair_id: 'p1',
          flow_id: 'products',
          entity: productsFlowKind.entity,
          source_id: i.ID,
          natural_key: i.Code,
          content_hash: 'announced',
          state: 'pending',
          target_id: null,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    await pair.addExact({ 'logistics/Items': [landed, lost] });
    const run = await pair.run();
    expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({
      created: 1,
      updated: 1,
      deadLettered: 0,
    });
    const confirmed = (await pair.records('created')).find((r) => r.source_id === landed.ID);
    expect(confirmed?.timeline).toContain(`found by natural key ${landed.Code}`);
    const all = await pair.list('articles?ActiveState=All');
    expect(all.filter((a) => a.code === landed.Code)).toHaveLength(1);
    expect(all.filter((a) => a.code === lost.Code)).toHaveLength(1);
    expect(all.find((a) => a.code === landed.Code).description).toBe(landed.Description);

    // The look-ups themselves: by code to the letter, in bulk for what changed since.
    const runtime = productsFlowKind.open(await pair.runtimeContext({}));
    const since = new Date(pair.fx.clock.now().getTime() - 60_000);
    const found = await runtime.target.findByNaturalKeys!(
      [landed.Code, lost.Code, 'FLT-NONE', 'flt-case'],
      since,
    );
    expect([...found.keys()].sort()).toEqual([landed.Code, lost.Code].sort());
    expect(found.get(lost.Code)!.targetId).toBe(String(all.find((a) => a.code === lost.Code).id));
    expect(await runtime.target.findByNaturalKey('flt-case')).toBeNull();
    expect((await runtime.target.findByNaturalKey('FLT-CASE'))?.targetId).toBeDefined();
  });
  it('a dry run reports what would be created and updated and writes nothing; a broken filter expression stops the run', async () => {
    await pair.setSettings({});
    const sent = item('FLT-DRY-SENT');
    await pair.addExact({ 'logistics/Items': [sent] });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    await pair.addExact({ 'logistics/Items': [item('FLT-DRY-NEW')] });
    await pair.writeExact('PUT', `logistics/Items(guid'${sent.ID}')`, {
      Description: 'Gewijzigd voor de proefrun',
    });
    const before = await pair.list('articles?ActiveState=All');
    const dry = await dryRunFlow(pair.fx.h.deps, { flowId: 'products' });
    expect(dry.counts).toMatchObject({ read: 2, create: 1, update: 1 });
    expect(dry.apiCalls['asperion'] ?? 0).toBeLessThanOrEqual(2);
    expect(await pair.list('articles?ActiveState=All')).toEqual(before);

    await pair.setSettings({ filters: { expression: 'Code = (' } });
    await expect(pair.run()).rejects.toThrow(/invalid settings: filters\.expression: does not compile/);
    await pair.setSettings({});
    expect((await pair.run()).counts).toMatchObject({ created: 1, updated: 1 });
  });
});
