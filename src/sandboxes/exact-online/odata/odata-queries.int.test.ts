import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsEntity } from '../entities/accounts.js';
import { createRecord } from '../entities/entity-store.js';
import { defaultExactSettings } from '../settings.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

type Rows = Array<Record<string, unknown>>;
interface Collection {
  d: { results: Rows; __next?: string; __count?: string | number };
}

let sandbox: TestSandbox;
let token: string;
const accounts = '/api/v1/3215712/crm/Accounts';

beforeAll(async () => {
  // Division 3215712 holds 130 accounts named Klant 001…130, for paging; the clock is winter time.
  sandbox = await startTestSandbox('empty', '2026-01-15T09:00:00.000Z');
  const data = sandbox.state.division(3215712);
  for (let i = 1; i <= 130; i++) {
    const row = {
      Name: `Klant ${String(i).padStart(3, '0')}`,
      City: i % 2 === 0 ? 'Utrecht' : 'Gent',
      Blocked: i % 10 === 0,
    };
    if (data)
      createRecord(
        accountsEntity,
        data,
        { row, children: {} },
        '2026-01-15T10:00:00.000',
        defaultExactSettings,
      );
  }
  token = await sandbox.token();
  // Many deliberate 400s below; the error block has its own test.
  sandbox.state.settings.errorsPerHour = 0;
});
afterAll(async () => {
  await sandbox.close();
});

async function get(path: string): Promise<Response> {
  return sandbox.call('GET', path, token);
}

async function errorText(res: Response): Promise<string> {
  return ((await res.json()) as { error: { message: { value: string } } }).error.message.value;
}

describe('collections and paging', () => {
  it('pages by 60 with an absolute __next that keeps the options and adds $skiptoken=guid', async () => {
    const first = (await (
      await get(`${accounts}?$filter=Blocked eq false&$select=ID,Name`)
    ).json()) as Collection;
    expect(first.d.results).toHaveLength(60);
    const lastId = String(first.d.results.at(-1)?.['ID']);
    expect(first.d.__next).toBe(
      `${sandbox.url}${accounts}?$filter=Blocked%20eq%20false&$select=ID,Name&$skiptoken=guid'${lastId}'`,
    );
    const seen = new Set(first.d.results.map((r) => r['ID']));
    let next = first.d.__next;
    while (next) {
      const page = (await (
        await sandbox.call('GET', next.slice(sandbox.url.length), token)
      ).json()) as Collection;
      for (const r of page.d.results) seen.add(r['ID']);
      next = page.d.__next;
    }
    expect(seen.size).toBe(117);
  });

  it('orders rows by key by default and by $orderby when given', async () => {
    const byKey = (await (await get(`${accounts}?$filter=City eq 'Gent'&$select=ID`)).json()) as Collection;
    const ids = byKey.d.results.map((r) => String(r['ID']));
    expect(ids).toEqual([...ids].sort());
    const byName = (await (
      await get(`${accounts}?$filter=City eq 'Gent'&$select=Name&$orderby=Name desc&$top=2`)
    ).json()) as { d: Array<Record<string, unknown>> };
    expect(byName.d.map((r) => r['Name'])).toEqual(['Klant 129', 'Klant 127']);
  });

  it('honours $top below the page size without __next, and $skip on old endpoints', async () => {
    sandbox.state.settings.bareArrayForTop = false;
    const top = (await (
      await get(`${accounts}?$filter=City eq 'Utrecht'&$orderby=Name&$top=3&$skip=2&$select=Name`)
    ).json()) as Collection;
    expect(top.d.results.map((r) => r['Name'])).toEqual(['Klant 006', 'Klant 008', 'Klant 010']);
    expect(top.d.__next).toBeUndefined();
    sandbox.state.settings.bareArrayForTop = true;
  });

  it('keeps paging a $top above the page size until exactly $top rows are delivered', async () => {
    const first = (await (
      await get(`${accounts}?$filter=Blocked eq false&$top=100&$select=ID`)
    ).json()) as Collection;
    expect(first.d.results).toHaveLength(60);
    expect(first.d.__next).toMatch(/\$top=40&\$select=ID&\$skiptoken=guid'/);
    const next = first.d.__next ?? '';
    const second = (await (
      await sandbox.call('GET', next.slice(sandbox.url.length), token)
    ).json()) as Collection;
    expect(second.d.results).toHaveLength(40);
    expect(second.d.__next).toBeUndefined();
  });

  it('adds __count as a string for $inlinecount=allpages', async () => {
    const res = (await (
      await get(`${accounts}?$filter=City eq 'Utrecht'&$inlinecount=allpages&$select=ID`)
    ).json()) as Collection;
    expect(res.d.__count).toBe('65');
    expect(res.d.results).toHaveLength(60);
  });

  it('answers /$count with a bare integer as text', async () => {
    const res = await sandbox.call('GET', `${accounts}/$count?$filter=Blocked eq true`, token, undefined, {
      accept: 'text/plain',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('13');
  });

  it('answers $top queries with a bare-array d by default (reference 4.2), the verbose d when switched off', async () => {
    const query = `${accounts}?$filter=City eq 'Gent'&$top=1&$select=Name`;
    const bare = (await (await get(query)).json()) as { d: unknown };
    expect(bare.d).toEqual([expect.objectContaining({ Name: expect.any(String) })]);
    sandbox.state.settings.bareArrayForTop = false;
    const verbose = (await (await get(query)).json()) as Collection;
    expect(verbose.d.results).toHaveLength(1);
    sandbox.state.settings.bareArrayForTop = true;
  });

  it('compares strings in $filter without regard to case (caseInsensitiveStrings, per-field exceptions)', async () => {
    const names = async (filter: string): Promise<number> =>
      ((await (await get(`${accounts}?$filter=${filter}&$select=Name`)).json()) as Collection).d.results
        .length;
    const exact = await names("City eq 'Gent'");
    expect(exact).toBeGreaterThan(0);
    expect(await names("City eq 'GENT'")).toBe(exact);
    expect(await names("startswith(City, 'gen')")).toBe(exact);
    expect(await names("endswith(City, 'ENT') and City ne 'gENT'")).toBe(0);
    expect(await names("substringof('EN', City) and City eq 'gent'")).toBe(exact);
    sandbox.state.settings.caseSensitiveFields = ['City'];
    expect(await names("City eq 'GENT'")).toBe(0);
    sandbox.state.settings.caseSensitiveFields = [];
    sandbox.state.settings.caseInsensitiveStrings = false;
    expect(await names("City eq 'GENT'")).toBe(0);
    expect(await names("City eq 'Gent'")).toBe(exact);
    sandbox.state.settings.caseInsensitiveStrings = true;
  });

  it('keeps the verbose d for a $top answer that needs __next or __count', async () => {
    const above = (await (
      await get(`${accounts}?$filter=Blocked eq false&$top=61&$select=ID`)
    ).json()) as Collection;
    expect(above.d.results).toHaveLength(60);
    expect(above.d.__next).toMatch(/\$top=1&/);
    const counted = (await (
      await get(`${accounts}?$filter=City eq 'Utrecht'&$top=2&$inlinecount=allpages&$select=ID`)
    ).json()) as Collection;
    expect(counted.d.__count).toBe('65');
    expect(counted.d.results).toHaveLength(2);
  });

  it('returns only the selected fields after __metadata', async () => {
    const res = (await (
      await get(`${accounts}?$filter=Name eq 'Klant 001'&$select=Name,Code`)
    ).json()) as Collection;
    expect(Object.keys(res.d.results[0] ?? {})).toEqual(['__metadata', 'Code', 'Name']);
    expect(res.d.results[0]?.['Code']).toBe('                 1');
  });

  it('writes dates as /Date(ms)/ of Amsterdam wall-clock time', async () => {
    const res = (await (
      await get(`${accounts}?$filter=Name eq 'Klant 001'&$select=Created`)
    ).json()) as Collection;
    expect(res.d.results[0]?.['Created']).toBe(`/Date(${Date.UTC(2026, 0, 15, 10)})/`);
  });
});

describe('query errors', () => {
  it('refuses an unfiltered GET on Accounts with the mandatory-filtering message and its field list', async () => {
    const res = await get(accounts);
    expect(res.status).toBe(400);
    expect(await errorText(res)).toMatch(
      /^This endpoint has mandatory filtering applied\. A GET request for this endpoint must have a \$filter parameter with one of the following fields in the url:Accountant, .*VATNumber$/,
    );
  });

  it('refuses a filter on a field outside the whitelist in the same way', async () => {
    const res = await get(`${accounts}?$filter=Website eq 'x'`);
    expect(res.status).toBe(400);
    expect(await errorText(res)).toMatch(/^This endpoint has mandatory filtering applied/);
  });

  it.each([
    `$filter=Name eq 'x`,
    `$filter=Nope eq 'x'`,
    `$filter=Name eq 1`,
    `$filter=Name eq 'x'&$select=Nope`,
    `$filter=Name eq 'x'&$orderby=Nope`,
    `$filter=Name eq 'x'&$top=-1`,
    `$filter=Name eq 'x'&$expand=Nope`,
    `$filter=Name eq 'x'&$inlinecount=some`,
    `$filter=Name eq 'x'&$skiptoken=abc`,
    `$filter=Name eq 'x'&$bogus=1`,
  ])('answers %s with the query-syntax 400', async (query) => {
    const res = await get(`${accounts}?${query}`);
    expect(res.status).toBe(400);
    expect(await errorText(res)).toBe('Bad Request - Error in query syntax.');
  });
});
