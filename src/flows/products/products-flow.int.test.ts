import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { receiveWebhook } from '../../engine/receive-webhook.js';
import { StoreQueue } from '../../queue/index.js';
import { signedExactDelivery } from '../../testing/exact-webhook-sample.js';
import { productsDefaultMapping } from './default-mapping.js';
import { productsFlowKind } from './products-flow.js';
import { unconfirmedArticleFields } from './settings.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** Exact's item with this code, with the fields the tests compare. */
async function exactItem(pair: Pair, code: string): Promise<any> {
  const [row] = await pair.exact('logistics/Items', {
    $filter: `Code eq '${code}'`,
    $select: 'ID,Code,Description,ExtraDescription,Notes,Barcode,SalesVatCode,StandardSalesPrice,PictureUrl',
  });
  return row;
}

/** Every Asperion article (inactive ones too) by code. */
async function articles(pair: Pair): Promise<Map<string, any>> {
  return new Map((await pair.list('articles?ActiveState=All')).map((a) => [a.code, a]));
}

async function asperionPut(pair: Pair, id: number, body: Record<string, unknown>) {
  const res = await pair.asperion.call('PUT', `/v1/articles/${id}`, {
    body,
    headers: { 'x-tenant-id': '1' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** The general EUR price row of an item. */
async function generalPrice(pair: Pair, itemId: string): Promise<any> {
  const rows = await pair.exact('logistics/SalesItemPrices', {
    $filter: `Item eq guid'${itemId}'`,
    $select: 'ID,Account,Currency,Price,Quantity',
  });
  return rows.find((r) => r.Account === null && r.Currency === 'EUR' && r.Quantity === 0);
}

describe.each(testDialects)('products flow, default settings (%s)', (dialect) => {
  let pair: Pair;
  let seeded: Map<string, any>;
  let first: Awaited<ReturnType<Pair['run']>>;
  let items: any[];
  let groups: Map<string, string>;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'products' });
    seeded = await articles(pair);
    items = await pair.exact('bulk/Logistics/Items', {
      $select: 'ID,Code,Description,SalesVatCode,IsSalesItem,StandardSalesPrice,Unit',
    });
    groups = new Map(
      (await pair.exact('logistics/ItemGroups', { $select: 'ID,Code' })).map((g) => [g.Code, g.ID]),
    );
    first = await pair.run();
  });
  afterAll(async () => pair?.close());

  it('creates an article per sales item by SKU with its sales type and general price; a re-run creates nothing', async () => {
    const sellable = items.filter((i) => i.IsSalesItem);
    expect(first.counts).toMatchObject({ read: items.length, created: sellable.length, deadLettered: 0 });
    const after = await articles(pair);
    expect(after.size).toBe(seeded.size + sellable.length);
    const salesTypeOf: Record<string, number> = { VH: 1, VL: 2, V0: 6 };
    for (const item of sellable) {
      const article = after.get(item.Code);
      expect(article, item.Code).toMatchObject({
        code: item.Code,
        description: item.Description,
        salesTypeId: salesTypeOf[item.SalesVatCode],
        unit: item.Unit,
        active: true,
      });
    }
    // The general price list row (reference 7.8) is what the article sells for: not a quantity
    // break, not a customer's agreement, not a USD or GBP price.
    const rows = await pair.exact('bulk/Logistics/SalesItemPrices', {
      $select: 'Item,Account,Currency,Price,Quantity',
    });
    const general = new Map(
      rows
        .filter((r) => r.Account === null && r.Currency === 'EUR' && r.Quantity === 0)
        .map((r) => [r.Item, r.Price]),
    );
    expect(rows.length).toBeGreaterThan(general.size * 2);
    for (const item of sellable)
      expect(after.get(item.Code).salesPrice, item.Code).toBe(general.get(item.ID));
    // Every VAT code of the demo's sales items has its sales type, the gift vouchers' 0 % too.
    expect(items.some((i) => i.IsSalesItem && i.SalesVatCode === 'V0')).toBe(true);
    expect(await pair.deadLetters()).toEqual([]);

    const again = await pair.run();
    expect(again.counts).toMatchObject({ created: 0, updated: 0 });
    expect(again.apiCalls['asperion'] ?? 0).toBe(0);
    expect((await articles(pair)).size).toBe(after.size);
  });

  it('shows in each record the write Asperion answered: method, path and status', async () => {
    const rows = await pair.fx.h.store.db
      .selectFrom('records')
      .select(['operation', 'request', 'target_id'])
      .where('run_id', '=', first.runId)
      .where('state', '=', 'created')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(JSON.parse(row.request!)).toEqual({ method: 'POST', url: '/v1/articles', status: 201 });
  });

  it('sends no unconfirmed field by default and says so once in the record’s activity', async () => {
    const article = (await articles(pair)).get(items.find((i) => i.Code.startsWith('SF-CLA-'))!.Code);
    for (const name of ['ean', 'longDescription', 'shortDescription', 'imageUrl', 'features', 'category'])
      expect(article).not.toHaveProperty(name);
    const [record] = (await pair.records('created')).filter((r) => r.timeline.includes('fields not sent'));
    const notes = JSON.parse(record!.timeline).filter((s: any) => s.step === 'fields not sent');
    expect(notes).toHaveLength(1);
    expect(notes[0].detail).toMatch(/unconfirmed; name it in settings\.articleProperties/);
  });

  it('costs one write for a burst of Items webhooks for one item, none for a change that maps to the same article', async () => {
    expect(productsFlowKind.webhookTopics!({})).toEqual(['Items']);
    const bike = await exactItem(pair, items.find((i) => i.Code.startsWith('SF-CLA-'))!.Code);
    const { deps, store } = pair.fx.h;
    const queue = new StoreQueue(store, deps.clock);
    for (const n of [1, 2, 3]) {
      await pair.writeExact('PUT', `logistics/Items(guid'${bike.ID}')`, { Description: `Stadsfiets ${n}` });
      // Each change is its own delivery (its own EventCreatedOn); a repeat of one would start nothing.
      const rawBody = signedExactDelivery({
        topic: 'Items',
        entityPath: 'logistics/Items',
        key: bike.ID,
        at: deps.clock.now(),
      });
      pair.fx.clock.advance(1_000);
      const delivered = await receiveWebhook(deps, queue, {
        segment: 'exact',
        connectionId: 'exact',
        rawBody,
      });
      expect(delivered).toMatchObject({
        kind: 'enqueued',
        topic: 'Items',
        flows: [{ flowId: 'products', deduped: n > 1 }],
      });
    }
    // The burst is one waiting run; it is run here as the worker would.
    const jobs = await store.db.selectFrom('jobs').select(['name', 'payload']).execute();
    expect(jobs).toEqual([
      { name: 'flow.run', payload: JSON.stringify({ flowId: 'products', trigger: 'webhook' }) },
    ]);
    await store.db.deleteFrom('jobs').execute();
    const burst = await pair.run();
    expect(burst.counts).toMatchObject({ read: 1, updated: 1 });
    expect(burst.apiCalls['asperion']).toBe(1);
    expect((await articles(pair)).get(bike.Code).description).toBe('Stadsfiets 3');

    // SearchCode is not mapped: Exact's change reaches Koppel but not Asperion.
    await pair.writeExact('PUT', `logistics/Items(guid'${bike.ID}')`, { SearchCode: 'ANDERS' });
    const same = await pair.run();
    expect(same.counts).toMatchObject({ read: 1, unchanged: 1, updated: 0 });
    expect(same.apiCalls['asperion'] ?? 0).toBe(0);
  });

  it('follows a price change alone (a sales price row, not the item, changed)', async () => {
    const bike = await exactItem(pair, items.find((i) => i.Code.startsWith('SF-COM-'))!.Code);
    const price = await generalPrice(pair, bike.ID);
    await pair.writeExact('PUT', `logistics/SalesItemPrices(guid'${price.ID}')`, { Price: 599.95 });
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, updated: 1 });
    expect((await articles(pair)).get(bike.Code).salesPrice).toBe(599.95);
  });

  it('sells an item without a general price for its StandardSalesPrice, read in bulk since sync rows lack it', async () => {
    // A minute of its own on the sandbox clock: its calls would otherwise crowd the next test's.
    pair.fx.clock.advance(60_000);
    const bike = items.find((i) => i.IsSalesItem && i.Code.startsWith('SF-CLA-'))!;
    expect(bike.StandardSalesPrice).toBeGreaterThan(0);
    const rows = await pair.exact('logistics/SalesItemPrices', {
      $filter: `Item eq guid'${bike.ID}'`,
      $select: 'ID,Account,Currency',
    });
    for (const row of rows.filter((r) => r.Account === null && r.Currency === 'EUR'))
      await pair.writeExact('DELETE', `logistics/SalesItemPrices(guid'${row.ID}')`);
    await pair.writeExact('PUT', `logistics/Items(guid'${bike.ID}')`, { Description: 'Zonder prijslijst' });
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, updated: 1, deadLettered: 0 });
    expect((await articles(pair)).get(bike.Code).salesPrice).toBe(bike.StandardSalesPrice);
    pair.fx.clock.advance(60_000);
  });

  it('never overwrites a field whose update switch is off, and does once it is on again', async () => {
    const code = items.find((i) => i.Code.startsWith('EB-URB-'))!.Code;
    const bike = await exactItem(pair, code);
    const article = (await articles(pair)).get(code);
    await asperionPut(pair, article.id, { description: 'E-bike Urban (verrijkt in Asperion)' });
    const { fields } = productsDefaultMapping;
    await pair.setMapping({
      ...productsDefaultMapping,
      fields: { ...fields, description: { ...fields['description'], overwrite: false } },
    });
    await pair.writeExact('PUT', `logistics/Items(guid'${bike.ID}')`, {
      Description: 'E-bike Urban 2027',
      Unit: 'set',
    });
    const off = await pair.run();
    expect(off.counts).toMatchObject({ read: 1, updated: 1 });
    expect((await articles(pair)).get(code)).toMatchObject({
      description: 'E-bike Urban (verrijkt in Asperion)',
      unit: 'set',
    });

    await pair.setMapping(productsDefaultMapping);
    await pair.writeExact('PUT', `logistics/Items(guid'${bike.ID}')`, { Description: 'E-bike Urban 2028' });
    await pair.run();
    expect((await articles(pair)).get(code).description).toBe('E-bike Urban 2028');
  });
  it('lists for koppel check the VAT codes without a sales type, unknown sales types and unmapped item groups', async () => {
    const ctx = await pair.runtimeContext({});
    expect(await productsFlowKind.checkMappings!(ctx, productsDefaultMapping)).toEqual([]);
    // A code left out of the map is listed, with the sales type of the Asperion VAT code at its rate.
    const missing = await productsFlowKind.checkMappings!(ctx, {
      ...productsDefaultMapping,
      valueMaps: { salesTypes: { entries: { VH: 1, VL: 2 } } },
    });
    expect(missing).toEqual([
      {
        domain: 'salesType',
        value: 'V0',
        where: 'mapping valueMaps.salesTypes (Exact item SalesVatCode)',
        suggestion: expect.stringMatching(/^6 \(Omzet 0%\): VAT code N0/),
        valueMap: 'salesTypes',
        suggested: '6',
        choices: expect.arrayContaining([{ value: '6', label: '6: Omzet 0%' }]),
      },
    ]);
    const mapped = await productsFlowKind.checkMappings!(ctx, {
      ...productsDefaultMapping,
      valueMaps: {
        salesTypes: { entries: { VH: 1, VL: 2, V0: 99 } },
        categories: {
          entries: Object.fromEntries([...groups.keys()].filter((g) => g !== 'BOEK').map((g) => [g, g])),
        },
      },
    });
    expect(mapped).toEqual([
      {
        domain: 'salesType',
        value: '99',
        where: 'mapping valueMaps.salesTypes (Asperion has no such sales type)',
      },
      {
        domain: 'category',
        value: 'BOEK',
        where: 'mapping valueMaps.categories (Exact item group)',
        valueMap: 'categories',
      },
    ]);
  });

  it('keeps Asperion’s documented behaviour by default: an article property it does not document is dropped', async () => {
    const article = [...(await articles(pair)).values()].at(-1);
    await asperionPut(pair, article.id, { ean: '8719326000001', description: article.description });
    expect((await articles(pair)).get(article.code)).not.toHaveProperty('ean');
  });
});

describe.each(testDialects)('products flow, unconfirmed fields on both sides (%s)', (dialect) => {
  let pair: Pair;
  const properties = Object.fromEntries(unconfirmedArticleFields.map((f) => [f, f]));
  beforeAll(async () => {
    pair = await startPair(dialect, {
      kind: 'products',
      settings: {
        price: 'inclVat',
        articleProperties: properties,
        variants: { attributes: { '1': 'Doelgroep' }, inDescription: true },
        filters: { itemGroups: ['FIETS'] },
      },
    });
    const res = await pair.asperion.call('PUT', '/__sandbox/settings', {
      body: { extraArticleProperties: unconfirmedArticleFields },
      auth: false,
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => pair?.close());

  it('sends every field under its configured name, the price incl. VAT to the cent, variants as features', async () => {
    const run = await pair.run();
    expect(run.state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const [item] = await pair.exact('logistics/Items', {
      $filter: "startswith(Code,'SF-CLA-') eq true",
      $select:
        'ID,Code,Description,ExtraDescription,Notes,Barcode,PictureUrl,Class_01,FreeTextField_01,FreeTextField_02',
    });
    const [property] = await pair.exact('logistics/ItemAssortmentProperty', {
      $filter: `ItemAssortmentCode eq 1 and Code eq '${item.Class_01}'`,
      $select: 'Code,Description',
    });
    const article = (await articles(pair)).get(item.Code);
    // 536.36 × 1.21 = 648.9956: half-up to 649.00, computed in cents, not in floating point.
    expect(article).toMatchObject({
      description: `${item.Description} — Doelgroep: ${property.Description}`,
      salesTypeId: 1,
      salesPrice: 649,
      priceIncludesVat: true,
      currency: 'EUR',
      ean: item.Barcode,
      shortDescription: item.ExtraDescription,
      category: 'Fietsen',
      imageUrl: `${pair.fx.url}${item.PictureUrl}`,
    });
    expect(article.features).toEqual(
      expect.arrayContaining([
        { name: 'Kleur', value: item.FreeTextField_01 },
        { name: 'Framemaat', value: item.FreeTextField_02 },
        { name: 'Merk', value: 'Spaakwerk' },
        { name: 'Doelgroep', value: property.Description },
      ]),
    );
    // Only the filter's item group went.
    const sent = [...(await articles(pair)).values()].filter((a) => a.category);
    expect(new Set(sent.map((a) => a.category))).toEqual(new Set(['Fietsen']));
    const price = JSON.parse(
      (await pair.records('created')).find((r) => r.timeline.includes('"price"'))!.timeline,
    );
    expect(price.find((s: any) => s.step === 'price').detail).toMatch(
      /excl\. VAT is .* incl\. 21\.00% VAT \(H21\)/,
    );
  });

  it('keeps what was enriched in Asperion in a field whose switch is off while the others follow Exact', async () => {
    const [item] = await pair.exact('logistics/Items', {
      $filter: "startswith(Code,'SF-CLA-') eq true",
      $select: 'ID,Code',
    });
    const article = (await articles(pair)).get(item.Code);
    await asperionPut(pair, article.id, {
      shortDescription: 'Onze best verkochte stadsfiets',
      category: 'Stad',
    });
    await pair.writeExact('PUT', `logistics/Items(guid'${item.ID}')`, {
      ExtraDescription: 'Nieuwe tekst uit Exact',
      Barcode: '8719326999990',
    });
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, updated: 1 });
    expect((await articles(pair)).get(item.Code)).toMatchObject({
      shortDescription: 'Onze best verkochte stadsfiets',
      category: 'Stad',
      ean: '8719326999990',
    });
  });
});
