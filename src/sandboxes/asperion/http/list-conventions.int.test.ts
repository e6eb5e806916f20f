import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

describe('Asperion sandbox list conventions (§1.6, §6.3)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.close());

  it('wraps lists in _data and _meta with totalCount, pageCount and absolute links keeping other parameters', async () => {
    const { body } = await sb.call('GET', '/v1/ledgeraccounts?pageSize=4&Description=omzet');
    expect(body._data).toHaveLength(4);
    expect(body._meta).toMatchObject({ totalCount: 6, pageCount: 2, previousPage: '' });
    const next = new URL(body._meta.nextPage);
    expect(next.origin).toBe(sb.url);
    expect(Object.fromEntries(next.searchParams)).toEqual({ pageSize: '4', Description: 'omzet', page: '2' });
    const second = await sb.call('GET', next.pathname + next.search);
    expect(second.body._data).toHaveLength(2);
    expect(second.body._meta.nextPage).toBe('');
    expect(new URL(second.body._meta.previousPage).searchParams.get('page')).toBe('1');
  });

  it('pages from 1 with a default page size of 50 and clamps larger sizes to 100', async () => {
    const { body } = await sb.call('GET', '/v1/debtors?pageSize=1000');
    expect(body._meta).toMatchObject({ totalCount: 12, pageCount: 1 });
    await sb.call('PUT', '/__sandbox/settings', { body: { pageSizeOverMax: 'reject' } });
    const refused = await sb.call('GET', '/v1/debtors?pageSize=1000');
    await sb.call('PUT', '/__sandbox/settings', { body: { pageSizeOverMax: 'clamp' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.pageSize).toHaveLength(1);
  });

  it('emits null instead of empty page links when emptyPageLink is null', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { emptyPageLink: 'null' } });
    const { body } = await sb.call('GET', '/v1/journals');
    await sb.call('PUT', '/__sandbox/settings', { body: { emptyPageLink: 'empty-string' } });
    expect(body._meta).toMatchObject({ nextPage: null, previousPage: null });
  });

  it('returns only _meta counts for metaOnly=true', async () => {
    const { body } = await sb.call('GET', '/v1/vatcodes?metaOnly=true');
    expect(body._data).toEqual([]);
    expect(body._meta.totalCount).toBe(15);
  });

  it('projects items to the requested fields plus id and _meta', async () => {
    const { body } = await sb.call('GET', '/v1/debtors?fields=name,city&pageSize=1');
    expect(Object.keys(body._data[0]).sort()).toEqual(['_meta', 'city', 'id', 'name']);
    expect((await sb.call('GET', '/v1/debtors?fields=shoeSize')).status).toBe(400);
  });

  it('orders by a property, ascending, and by id otherwise; descending only when the setting allows it', async () => {
    const byName = await sb.call('GET', '/v1/debtors?orderBy=Name');
    const names = byName.body._data.map((d: { name: string }) => d.name);
    expect(names).toEqual([...names].sort());
    expect((await sb.call('GET', '/v1/debtors?orderBy=Name%20desc')).status).toBe(400);
    await sb.call('PUT', '/__sandbox/settings', { body: { orderByDescending: true } });
    const desc = await sb.call('GET', '/v1/debtors?orderBy=-Name');
    await sb.call('PUT', '/__sandbox/settings', { body: { orderByDescending: false } });
    expect(desc.body._data.map((d: { name: string }) => d.name)).toEqual([...names].reverse());
  });

  it('filters strings with Contains by default and with the _comparison the client names', async () => {
    const ids = async (query: string) =>
      (await sb.call('GET', `/v1/ledgeraccounts?${query}`)).body._data.map((a: { id: number }) => a.id);
    expect(await ids('Description=btw')).toEqual([1500, 1510, 1520, 1530]);
    expect(await ids('Description=Bank&Description_comparison=Equals')).toEqual([1100]);
    expect(await ids('Description=omzet&Description_comparison=StartsWith')).toEqual([
      8000, 8010, 8020, 8030, 8040, 8090,
    ]);
    expect(await ids('Description=laag&Description_comparison=EndsWith')).toEqual([1520, 8010]);
    expect(
      (await sb.call('GET', '/v1/ledgeraccounts?Description=x&Description_comparison=Like')).status,
    ).toBe(400);
  });

  it('matches numbers, booleans and code ids exactly, and property names case-insensitively', async () => {
    expect((await sb.call('GET', '/v1/ledgeraccounts?Id=1300')).body._meta.totalCount).toBe(1);
    expect((await sb.call('GET', '/v1/ledgeraccounts?disabled=true')).body._data[0].id).toBe(8090);
    expect((await sb.call('GET', '/v1/vatcodes?Id=L')).body._meta.totalCount).toBe(0);
    expect((await sb.call('GET', '/v1/ledgeraccounts?Id=abc')).status).toBe(400);
  });

  it('filters ranges with _from and _to, inclusive, on dates and numbers', async () => {
    const { body } = await sb.call(
      'GET',
      '/v1/salesinvoiceswithlines?Date_from=2025-10-01&Date_to=2025-10-31',
    );
    expect(body._meta.totalCount).toBeGreaterThan(0);
    for (const invoice of body._data) expect(invoice.date.slice(0, 7)).toBe('2025-10');
    const accounts = await sb.call('GET', '/v1/ledgeraccounts?Id_from=1500&Id_to=1520');
    expect(accounts.body._data.map((a: { id: number }) => a.id)).toEqual([1500, 1510, 1520]);
  });

  it('finds what changed since a moment with DateLastChange_from', async () => {
    sb.clock.advance(60_000);
    const since = new Date(sb.clock.now()).toISOString().slice(0, 19);
    const before = await sb.call('GET', `/v1/debtors?DateLastChange_from=${since}`);
    expect(before.body._meta.totalCount).toBe(0);
    await sb.call('POST', '/v1/debtors', {
      body: { name: 'Nieuw B.V.', address: 'Straat 1', postCode: '1234 AB', city: 'Ede', countryCode: 'NL' },
    });
    const after = await sb.call('GET', `/v1/debtors?DateLastChange_from=${since}`);
    expect(after.body._data.map((d: { name: string }) => d.name)).toEqual(['Nieuw B.V.']);
  });

  it('hides inactive articles unless ActiveState says otherwise', async () => {
    const codes = async (query: string) =>
      (await sb.call('GET', `/v1/articles${query}`)).body._data.map((a: { code: string }) => a.code);
    expect(await codes('')).not.toContain('BR-OUD');
    expect(await codes('?ActiveState=Inactive')).toEqual(['BR-OUD']);
    expect(await codes('?ActiveState=All')).toContain('BR-OUD');
    expect((await sb.call('GET', '/v1/articles?ActiveState=Sometimes')).status).toBe(400);
  });

  it('returns a single object without envelope, and 404 ProblemDetails for an unknown id', async () => {
    const one = await sb.call('GET', '/v1/journals/70');
    expect(one.body).toMatchObject({ id: '70', type: 'Sales', _meta: { self: `${sb.url}/v1/journals/70` } });
    expect(one.body._data).toBeUndefined();
    const missing = await sb.call('GET', '/v1/debtors/9999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, title: 'Not Found' });
  });
});
