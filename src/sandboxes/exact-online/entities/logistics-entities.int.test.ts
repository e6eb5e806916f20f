import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { describe, expect, it } from 'vitest';
import { exactMessages } from '../odata-error.js';

const api = useDivisionApi();
const { created, errorOf, get, post, rows } = api;

const nobody = '11111111-2222-4333-8444-555566667777';

/** A demo stock item (Items has mandatory filtering, reference 3.4, so filter on Code). */
async function anItem(): Promise<Row> {
  const items = await rows(`logistics/Items?$filter=Code ne ''`);
  return items.find((i) => i['IsStockItem'] === true) ?? {};
}

describe('logistics/ItemGroups (reference 7.5)', () => {
  it('serves the groups GET-only; items carry their group code and description', async () => {
    const groups = await rows('logistics/ItemGroups');
    expect(groups.filter((g) => g['IsDefault'] === 1)).toHaveLength(1);
    const item = await anItem();
    const group = groups.find((g) => g['ID'] === item['ItemGroup']);
    expect(item['ItemGroupCode']).toBe(group?.['Code']);
    expect(item['ItemGroupDescription']).toBe(group?.['Description']);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const path =
        method === 'POST' ? 'logistics/ItemGroups' : `logistics/ItemGroups(guid'${String(group?.['ID'])}')`;
      expect((await api.sandbox.call(method, `${api.base}/${path}`, api.token, {})).status).toBe(405);
    }
  });

  it('gives a new item the default group, refuses an unknown group and follows a changed one', async () => {
    const groups = await rows('logistics/ItemGroups');
    const fallback = groups.find((g) => g['IsDefault'] === 1);
    const item = await created('logistics/Items', { Code: 'NIEUW-1', Description: 'Nieuw artikel' });
    expect(item).toMatchObject({ ItemGroup: fallback?.['ID'], ItemGroupCode: fallback?.['Code'] });
    expect(
      await errorOf(await post('logistics/Items', { Code: 'NIEUW-2', Description: 'X', ItemGroup: nobody })),
    ).toEqual([500, 'Bestaat niet: ItemGroup']);
    const other = groups.find((g) => g['IsDefault'] !== 1);
    const uri = `${api.base}/logistics/Items(guid'${String(item['ID'])}')`;
    expect((await api.sandbox.call('PUT', uri, api.token, { ItemGroup: other?.['ID'] })).status).toBe(204);
    const after = ((await (await api.sandbox.call('GET', uri, api.token)).json()) as { d: Row }).d;
    expect(after['ItemGroupDescription']).toBe(other?.['Description']);
  });
});

describe('logistics/SalesItemPrices (reference 7.8)', () => {
  it('asks for $select or $top=1 on a bare GET (reference 4.4)', async () => {
    expect(await errorOf(await get('logistics/SalesItemPrices'))).toEqual([400, exactMessages.selectOrTop]);
    expect((await get('logistics/SalesItemPrices?$top=1')).status).toBe(200);
  });

  it('has general prices, quantity breaks, other currencies and customer agreements in the demo', async () => {
    const prices = await rows(
      'logistics/SalesItemPrices?$select=Item,Account,Currency,Quantity,Price,ItemCode',
    );
    const all: Row[] = [...prices];
    let next = prices.length === 60;
    let skip = 60;
    while (next) {
      const page = await rows(
        `logistics/SalesItemPrices?$select=Item,Account,Currency,Quantity,Price,ItemCode&$skip=${skip}`,
      );
      all.push(...page);
      skip += 60;
      next = page.length === 60;
    }
    expect(all.some((p) => Number(p['Quantity']) >= 10)).toBe(true);
    expect(new Set(all.map((p) => p['Currency']))).toEqual(new Set(['EUR', 'USD', 'GBP']));
    expect(all.some((p) => typeof p['Account'] === 'string')).toBe(true);
    // A break price is lower than the item's price from quantity 0.
    const breakRow = all.find((p) => Number(p['Quantity']) === 10);
    const general = all.find(
      (p) =>
        p['Item'] === breakRow?.['Item'] &&
        p['Quantity'] === 0 &&
        p['Currency'] === 'EUR' &&
        p['Account'] === null,
    );
    expect(Number(breakRow?.['Price'])).toBeLessThan(Number(general?.['Price']));
  });

  it('creates a price with server defaults and lookups, and refuses unknown items or accounts', async () => {
    const item = await anItem();
    const row = await created('logistics/SalesItemPrices', {
      Item: item['ID'],
      Price: 12.34,
      ItemCode: 'nope',
    });
    expect(row).toMatchObject({
      Currency: 'EUR',
      Unit: item['Unit'],
      NumberOfItemsPerUnit: 1,
      ItemCode: item['Code'],
      ItemDescription: item['Description'],
      Price: 12.34,
    });
    expect(await errorOf(await post('logistics/SalesItemPrices', { Item: nobody, Price: 1 }))).toEqual([
      500,
      'Bestaat niet: Item',
    ]);
    expect(
      await errorOf(await post('logistics/SalesItemPrices', { Item: item['ID'], Account: nobody, Price: 1 })),
    ).toEqual([500, 'Bestaat niet: Account']);
  });

  it('updates partially and deletes with EntityType 8', async () => {
    const item = await anItem();
    const row = await created('logistics/SalesItemPrices', { Item: item['ID'], Price: 5, Currency: 'USD' });
    const uri = `${api.base}/logistics/SalesItemPrices(guid'${String(row['ID'])}')`;
    expect((await api.sandbox.call('PUT', uri, api.token, { Price: 5.5 })).status).toBe(204);
    const after = ((await (await api.sandbox.call('GET', uri, api.token)).json()) as { d: Row }).d;
    expect(after).toMatchObject({ Price: 5.5, Currency: 'USD' });
    expect((await api.sandbox.call('DELETE', uri, api.token)).status).toBe(204);
    expect(api.sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({ entityType: 8 });
  });
});

describe('read/logistics/ItemExtraField (reference 7.6)', () => {
  it('answers a bare-array d of the item free fields for itemId=guid', async () => {
    const item = await anItem();
    const res = await get(`read/logistics/ItemExtraField?itemId=guid'${String(item['ID'])}'`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { d: Row[] };
    expect(Array.isArray(body.d)).toBe(true);
    expect(body.d.find((r) => r['Number'] === 1)).toMatchObject({
      ItemID: item['ID'],
      Description: 'Kleur',
      Value: item['FreeTextField_01'],
    });
  });

  it('filters on Description, follows an item update and refuses bad parameters and writes', async () => {
    const item = await anItem();
    const uri = `${api.base}/logistics/Items(guid'${String(item['ID'])}')`;
    // The demo rows were written at 10:00 Amsterdam time; this change is a minute later.
    api.sandbox.clock.advance(60_000);
    expect((await api.sandbox.call('PUT', uri, api.token, { FreeTextField_01: 'Oranje' })).status).toBe(204);
    const res = await get(
      `read/logistics/ItemExtraField?itemId=guid'${String(item['ID'])}'&$filter=Description eq 'Kleur'`,
    );
    expect(((await res.json()) as { d: Row[] }).d.map((r) => r['Value'])).toEqual(['Oranje']);
    const all = (
      (await (await get(`read/logistics/ItemExtraField?$filter=Description eq 'Kleur'`)).json()) as {
        d: Row[];
      }
    ).d;
    expect(all.length).toBeGreaterThan(1);
    const since = (
      (await (
        await get(`read/logistics/ItemExtraField?$filter=Modified gt datetime'2026-03-10T10:00:00'`)
      ).json()) as { d: Row[] }
    ).d;
    expect(new Set(since.map((r) => r['ItemID']))).toEqual(new Set([item['ID']]));
    expect(await errorOf(await get(`read/logistics/ItemExtraField?itemId=${String(item['ID'])}`))).toEqual([
      400,
      exactMessages.querySyntax,
    ]);
    expect((await post('read/logistics/ItemExtraField', {})).status).toBe(405);
  });
});

describe('logistics/ItemAssortment and ItemAssortmentProperty (reference 7.7)', () => {
  it('expands Properties whose ItemAssortmentCode is the assortment Code', async () => {
    const assortments = await rows('logistics/ItemAssortment?$expand=Properties');
    expect(assortments.length).toBeGreaterThan(0);
    for (const a of assortments) {
      const props = (a['Properties'] as { results: Row[] }).results;
      expect(props.length).toBeGreaterThan(0);
      expect(props.every((p) => p['ItemAssortmentCode'] === a['Code'])).toBe(true);
    }
    const plain = await rows('logistics/ItemAssortment?$top=1');
    expect(plain[0]?.['Properties']).toHaveProperty('__deferred');
    const properties = await rows('logistics/ItemAssortmentProperty');
    expect(properties.length).toBe(
      assortments.reduce((n, a) => n + (a['Properties'] as { results: Row[] }).results.length, 0),
    );
  });

  it('is GET only', async () => {
    expect((await post('logistics/ItemAssortment', { Code: 9 })).status).toBe(405);
    expect((await post('logistics/ItemAssortmentProperty', { Code: 'X' })).status).toBe(405);
  });
});

describe('cashflow/PaymentConditions (reference 7.14)', () => {
  it('serves conditions by Code, including a direct-debit one (PaymentMethod I)', async () => {
    const conditions = await rows('cashflow/PaymentConditions?$select=Code,PaymentDays,PaymentMethod');
    expect(conditions.map((c) => c['PaymentDays'])).toEqual(expect.arrayContaining([14, 30, 60]));
    expect(conditions.some((c) => c['PaymentMethod'] === 'I')).toBe(true);
  });

  it('requires Code and Description, keeps Code unique and allows GET and POST only', async () => {
    expect(await errorOf(await post('cashflow/PaymentConditions', { Description: 'Zonder code' }))).toEqual([
      500,
      'Verplicht: Code',
    ]);
    expect(await errorOf(await post('cashflow/PaymentConditions', { Code: '45' }))).toEqual([
      500,
      'Verplicht: Description',
    ]);
    const row = await created('cashflow/PaymentConditions', {
      Code: '45',
      Description: '45 dagen',
      PaymentDays: 45,
    });
    expect(row).toMatchObject({ Code: '45', PaymentDays: 45 });
    expect(
      await errorOf(await post('cashflow/PaymentConditions', { Code: '45', Description: 'Dubbel' })),
    ).toEqual([500, 'Gegeven bestaat reeds.']);
    const uri = `${api.base}/cashflow/PaymentConditions(guid'${String(row['ID'])}')`;
    expect((await api.sandbox.call('PUT', uri, api.token, { Description: 'x' })).status).toBe(405);
    expect((await api.sandbox.call('DELETE', uri, api.token)).status).toBe(405);
  });
});

describe('sales/ShippingMethods, logistics/Units, general/Currencies (reference 7.15, 7.18)', () => {
  it('serves shipping methods and units GET-only', async () => {
    const methods = await rows('sales/ShippingMethods');
    expect(methods.length).toBeGreaterThan(1);
    expect(methods[0]).toHaveProperty('TrackingURL');
    expect((await post('sales/ShippingMethods', { Code: 'X' })).status).toBe(405);
    const units = await rows('logistics/Units');
    expect(units.map((u) => u['Code'])).toContain('pc');
    expect((await post('logistics/Units', { Code: 'X' })).status).toBe(405);
  });

  it("keys currencies by Code: Currencies('EUR')", async () => {
    const currencies = await rows('general/Currencies');
    expect(currencies.map((c) => c['Code'])).toEqual(expect.arrayContaining(['EUR', 'USD', 'GBP']));
    const res = await get(`general/Currencies('USD')`);
    expect(res.status).toBe(200);
    const usd = ((await res.json()) as { d: Row }).d;
    expect(usd['__metadata']).toEqual({
      uri: `${api.sandbox.url}${api.base}/general/Currencies('USD')`,
      type: 'Exact.Web.Api.Models.General.Currency',
    });
    expect((await get(`general/Currencies('XYZ')`)).status).toBe(404);
    expect((await get(`general/Currencies(guid'${nobody}')`)).status).toBe(400);
  });
});
