import { afterEach, describe, expect, it } from 'vitest';
import { accountsEntity } from '../entities/accounts.js';
import { createRecord } from '../entities/entity-store.js';
import { itemsEntity } from '../entities/items.js';
import { salesOrdersEntity } from '../entities/sales-orders.js';
import { exactMessages } from '../odata-error.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';
import { resolveBulkView } from './sync-bulk-dispatch.js';
import { bulkViews, resolveSyncView, syncViews } from './sync-views.js';

type Row = Record<string, unknown>;
interface Collection {
  d: { results: Row[]; __next?: string };
}

const division = 3215711;
const base = `/api/v1/${division}`;
let sandbox: TestSandbox;
let token: string;

afterEach(async () => {
  await sandbox?.close();
});

/** An empty sandbox, no rate limits or error block in the way, and `n` accounts in the division. */
async function setUp(accounts = 0): Promise<void> {
  sandbox = await startTestSandbox('empty', '2026-03-10T09:00:00.000Z');
  Object.assign(sandbox.state.settings, { minutelyLimit: 100_000, dailyLimit: 100_000, errorsPerHour: 0 });
  const data = sandbox.state.division(division);
  if (!data) throw new Error('no division');
  for (let i = 1; i <= accounts; i++) {
    const row = { Name: `Klant ${i}`, City: i % 2 === 0 ? 'Utrecht' : 'Gent', Blocked: i % 10 === 0 };
    createRecord(
      accountsEntity,
      data,
      { row, children: {} },
      '2026-03-10T10:00:00.000',
      sandbox.state.settings,
    );
  }
  token = await sandbox.token();
}

const get = (path: string) => sandbox.call('GET', path, token);

async function page(path: string): Promise<Collection> {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Collection;
}

async function errorOf(res: Response): Promise<[number, string]> {
  const body = (await res.json()) as { error: { message: { value: string } } };
  return [res.status, body.error.message.value];
}

/** Every row of a sync or bulk read, following __next (relative to the sandbox) to the end. */
async function readAll(path: string): Promise<{ rows: Row[]; sizes: number[] }> {
  const rows: Row[] = [];
  const sizes: number[] = [];
  let next: string | undefined = path;
  while (next) {
    const body = await page(next);
    rows.push(...body.d.results);
    sizes.push(body.d.results.length);
    next = body.d.__next?.slice(sandbox.url.length);
  }
  return { rows, sizes };
}

/** An account, an item and a sales order with these lines on it, written straight into the store. */
function orderWithLines(lines: Array<Record<string, unknown>>) {
  const data = sandbox.state.division(division);
  if (!data) throw new Error('no division');
  const settings = sandbox.state.settings;
  const now = '2026-03-10T10:00:00.000';
  const account = createRecord(accountsEntity, data, { row: { Name: 'A' }, children: {} }, now, settings);
  const item = createRecord(
    itemsEntity,
    data,
    { row: { Code: 'I1', Description: 'I' }, children: {} },
    now,
    settings,
  );
  return createRecord(
    salesOrdersEntity,
    data,
    {
      row: { OrderedBy: account.row['ID'] ?? null },
      children: { SalesOrderLines: lines.map((line) => ({ Item: item.row['ID'] ?? null, ...line })) },
    },
    now,
    settings,
  );
}

describe('declared views', () => {
  it('every sync and bulk view resolves to an entity of the catalog', () => {
    for (const view of syncViews) {
      expect(resolveSyncView(view), view.path).toBeDefined();
    }
    for (const view of bulkViews) {
      expect(resolveBulkView(view), view.path).toBeDefined();
    }
  });
});

describe('sync endpoints (reference 5.1)', () => {
  it('answers Timestamp gt 1 in Timestamp order with Int64 Timestamps and only the selected fields', async () => {
    await setUp(3);
    const body = await page(`${base}/sync/CRM/Accounts?$filter=Timestamp gt 1&$select=ID,Name,Timestamp`);
    expect(body.d.results).toHaveLength(3);
    expect(body.d.__next).toBeUndefined();
    const first = body.d.results[0] ?? {};
    expect(Object.keys(first).sort()).toEqual(['ID', 'Name', 'Timestamp', '__metadata']);
    expect(first['Timestamp']).toBe('1001');
    expect(body.d.results.map((r) => r['Timestamp'])).toEqual(['1001', '1002', '1003']);
  });

  it('accepts only Timestamp gt/ge filters joined by and', async () => {
    await setUp(5);
    const sync = `${base}/sync/CRM/Accounts?$select=ID,Timestamp&$filter=`;
    const ge = await page(`${sync}(Timestamp ge 1003L) and (Timestamp gt 1001)`);
    expect(ge.d.results.map((r) => r['Timestamp'])).toEqual(['1003', '1004', '1005']);
    expect(await errorOf(await get(`${sync}Name eq 'Klant 1'`))).toEqual([
      400,
      'Filtering on these fields is not supported: Name',
    ]);
    for (const bad of ['Timestamp lt 5', 'Timestamp gt 1 or Timestamp gt 2', 'not (Timestamp gt 1)']) {
      expect(await errorOf(await get(`${sync}${bad}`)), bad).toEqual([400, exactMessages.querySyntax]);
    }
  });

  it("needs $select, refuses *, and serves the fields of Exact's sync list, descriptions included", async () => {
    await setUp(1);
    const items = `${base}/sync/Logistics/Items?$filter=Timestamp gt 1`;
    expect(await errorOf(await get(items))).toEqual([400, exactMessages.selectOrTop]);
    expect(await errorOf(await get(`${items}&$select=*`))).toEqual([400, exactMessages.querySyntax]);
    expect((await get(`${items}&$select=ID,ItemGroup,ItemGroupDescription,Timestamp`)).status).toBe(200);
    // Exact's sync list for items has no StandardSalesPrice; the normal endpoint has.
    expect(await errorOf(await get(`${items}&$select=ID,StandardSalesPrice`))).toEqual([
      400,
      exactMessages.querySyntax,
    ]);
    const normal = await get(`${base}/logistics/Items?$filter=Code eq 'x'&$select=ID,StandardSalesPrice`);
    expect(normal.status).toBe(200);
  });

  it('pages by 1,000 with an absolute __next carrying $skiptoken, in Timestamp order', async () => {
    await setUp(2500);
    const first = await page(`${base}/sync/CRM/Accounts?$filter=Timestamp gt 1&$select=ID,Timestamp`);
    expect(first.d.results).toHaveLength(1000);
    const last = first.d.results.at(-1)?.['Timestamp'];
    expect(first.d.__next).toBe(
      `${sandbox.url}${base}/sync/CRM/Accounts?$filter=Timestamp%20gt%201&$select=ID,Timestamp&$skiptoken=${String(last)}L`,
    );
    const { rows, sizes } = await readAll(
      `${base}/sync/CRM/Accounts?$filter=Timestamp gt 1&$select=ID,Timestamp`,
    );
    expect(sizes).toEqual([1000, 1000, 500]);
    const stamps = rows.map((r) => BigInt(String(r['Timestamp'])));
    expect(stamps.every((t, i) => i === 0 || t > (stamps[i - 1] ?? 0n))).toBe(true);
    expect(new Set(rows.map((r) => r['ID'])).size).toBe(2500);
  });

  it('loses no row that changes between two pages: it comes again with a higher Timestamp', async () => {
    await setUp(1500);
    const first = await page(`${base}/sync/CRM/Accounts?$filter=Timestamp gt 1&$select=ID,Name,Timestamp`);
    const seen = first.d.results.map((r) => String(r['ID']));
    const all = (await readAll(`${base}/crm/Accounts?$filter=Blocked eq false or Blocked eq true&$select=ID`))
      .rows;
    const unseen = all.map((r) => String(r['ID'])).filter((id) => !seen.includes(id));
    const changedSeen = seen[10] ?? '';
    const changedUnseen = unseen[0] ?? '';
    for (const id of [changedSeen, changedUnseen]) {
      const res = await sandbox.call('PUT', `${base}/crm/Accounts(guid'${id}')`, token, {
        Name: `Nieuw ${id}`,
      });
      expect(res.status).toBe(204);
    }
    const rest = await readAll(first.d.__next?.slice(sandbox.url.length) ?? '');
    const restIds = rest.rows.map((r) => String(r['ID']));
    expect(restIds.slice(-2)).toEqual([changedSeen, changedUnseen]);
    expect(rest.rows.at(-1)?.['Name']).toBe(`Nieuw ${changedUnseen}`);
    // Every row arrived, the unseen changed one exactly once.
    expect(new Set([...seen, ...restIds]).size).toBe(1500);
    expect(restIds.filter((id) => id === changedUnseen)).toHaveLength(1);
  });

  it('bumps the Timestamp of a sales order when it changes', async () => {
    await setUp(0);
    const order = orderWithLines([{}]);
    const id = String(order.row['OrderID']);
    const read = async () =>
      (
        await page(
          `${base}/sync/SalesOrder/SalesOrderHeaders?$filter=Timestamp gt 1&$select=OrderID,Timestamp`,
        )
      ).d.results;
    const before = (await read())[0]?.['Timestamp'];
    await sandbox.call('PUT', `${base}/salesorder/SalesOrders(guid'${id}')`, token, { Description: 'x' });
    const after = (await read())[0]?.['Timestamp'];
    expect(BigInt(String(after))).toBeGreaterThan(BigInt(String(before)));
  });

  it('keeps every digit of Timestamps past 2^53 (rowVersionStart setting)', async () => {
    await setUp(3);
    const put = await fetch(`${sandbox.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ rowVersionStart: '9007199254740993' }),
    });
    expect(put.status).toBe(200);
    const body = await page(
      `${base}/sync/CRM/Accounts?$filter=Timestamp gt 9007199254740993&$select=Timestamp`,
    );
    expect(body.d.results.map((r) => r['Timestamp'])).toEqual([
      '9007199254740994',
      '9007199254740995',
      '9007199254740996',
    ]);
  });

  it('sends Timestamps as JSON numbers when int64AsString is off (UNCONFIRMED form)', async () => {
    await setUp(1);
    sandbox.state.settings.int64AsString = false;
    const body = await page(`${base}/sync/CRM/Accounts?$filter=Timestamp gt 1&$select=Timestamp`);
    expect(body.d.results[0]?.['Timestamp']).toBe(1001);
  });

  it('matches path segments case-insensitively and is read-only', async () => {
    await setUp(2);
    const body = await page(`/api/v1/${division}/SYNC/crm/accounts?$select=ID&$filter=Timestamp gt 1`);
    expect(body.d.results).toHaveLength(2);
    const post = await sandbox.call('POST', `${base}/sync/CRM/Accounts`, token, { Name: 'x' });
    expect(post.status).toBe(405);
    expect((await get(`${base}/sync/CRM/NoSuchThing?$select=ID`)).status).toBe(404);
  });
});

describe('odd input on sync, bulk and SyncTimestamp', () => {
  it('answers 400 with the OData envelope, never a server error', async () => {
    await setUp(2);
    const sync = `${base}/sync/CRM/Accounts?$select=ID`;
    const fn = `${base}/read/sync/Sync/SyncTimestamp`;
    const odd = [
      `${sync}&$filter=(`,
      `${sync}&$filter=Timestamp gt`,
      `${sync}&$filter=Timestamp gt 'x'`,
      `${sync}&$filter=Timestamp gt 1.5`,
      `${sync}&$filter=Timestamp gt -1`,
      `${sync}&$filter=Timestamp gt 1 and`,
      `${sync}&$skiptoken=guid'00000000-0000-0000-0000-000000000001'`,
      `${sync}&$top=x`,
      `${sync}&$orderby=Timestamp`,
      `${base}/sync/CRM/Accounts?$select=`,
      `${base}/bulk/CRM/Accounts?$select=NoSuchField`,
      `${base}/bulk/CRM/Accounts?$select=ID&$filter=Name eq`,
      `${fn}?modified=datetime'not a date'&endPoint='TransactionLines'`,
      `${fn}?modified=datetime'2026-01-01'&endPoint='NoSuchEndpoint'`,
      `${fn}?modified=2026-01-01&endPoint=TransactionLines`,
    ];
    for (const url of odd) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error?: unknown }).error, url).toBeDefined();
    }
  });
});

describe('sync/Deleted (reference 5.2)', () => {
  it('lists deletions with their entity type and prunes them after two months', async () => {
    await setUp(3);
    const ids = (await readAll(`${base}/sync/CRM/Accounts?$select=ID,Timestamp&$filter=Timestamp gt 1`)).rows;
    const deletedId = String(ids[1]?.['ID']);
    expect((await sandbox.call('DELETE', `${base}/crm/Accounts(guid'${deletedId}')`, token)).status).toBe(
      204,
    );
    const fields = 'Timestamp,DeletedBy,DeletedDate,Division,EntityKey,EntityType,ID';
    const deleted = await page(`${base}/sync/Deleted?$filter=Timestamp gt 1003&$select=${fields}`);
    expect(deleted.d.results).toEqual([
      {
        __metadata: expect.objectContaining({ type: expect.any(String) }),
        Timestamp: '1004',
        DeletedBy: expect.stringMatching(/^[0-9a-f-]{36}$/),
        // 10:00 in Amsterdam (CET) written as /Date(ms)/ of wall-clock time (reference 4.5).
        DeletedDate: `/Date(${Date.parse('2026-03-10T10:00:00.000Z')})/`,
        Division: division,
        EntityKey: deletedId,
        EntityType: 2,
        ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
    expect((await page(`${base}/sync/Deleted?$filter=Timestamp gt 1004&$select=ID`)).d.results).toEqual([]);
    const items = await page(`${base}/sync/Deleted?$filter=Timestamp gt 1 and EntityType eq 9&$select=ID`);
    expect(items.d.results).toEqual([]);
    expect(await errorOf(await get(`${base}/sync/Deleted?$filter=EntityKey eq 1&$select=ID`))).toEqual([
      400,
      'Filtering on these fields is not supported: EntityKey',
    ]);

    sandbox.clock.advance(59 * 86_400_000); // just under two months: still there
    token = await sandbox.token();
    expect((await page(`${base}/sync/Deleted?$filter=Timestamp gt 1&$select=ID`)).d.results).toHaveLength(1);
    sandbox.clock.advance(3 * 86_400_000); // past 10 May
    token = await sandbox.token();
    expect((await page(`${base}/sync/Deleted?$filter=Timestamp gt 1&$select=ID`)).d.results).toEqual([]);
  });
});

describe('read/sync/Sync/SyncTimestamp (reference 5.1)', () => {
  it('gives the first Timestamp modified at or after the date, as a function answer', async () => {
    await setUp(0);
    const data = sandbox.state.division(division);
    if (!data) throw new Error('no division');
    const settings = sandbox.state.settings;
    const account = createRecord(
      accountsEntity,
      data,
      { row: { Name: 'A' }, children: {} },
      '2026-01-01T10:00:00.000',
      settings,
    );
    const item = createRecord(
      itemsEntity,
      data,
      { row: { Code: 'I1', Description: 'I' }, children: {} },
      '2026-01-01T10:00:00.000',
      settings,
    );
    const order = (at: string) =>
      createRecord(
        salesOrdersEntity,
        data,
        {
          row: { OrderedBy: account.row['ID'] ?? null },
          children: { SalesOrderLines: [{ Item: item.row['ID'] ?? null }] },
        },
        at,
        settings,
      );
    order('2026-01-05T10:00:00.000');
    const firstInFebruary = order('2026-02-02T10:00:00.000');
    order('2026-02-03T10:00:00.000');
    const url = `${base}/read/sync/Sync/SyncTimestamp?modified=datetime'2026-02-01'&endPoint='SalesOrderHeaders'`;
    const res = await get(url);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { d: Row[] };
    expect(Array.isArray(body.d)).toBe(true);
    expect(body.d[0]).toMatchObject({
      TimeStampAsBigInt: String(firstInFebruary.timestamp),
      Modified: `/Date(${Date.parse('2026-02-01T00:00:00.000Z')})/`,
      API: 'SalesOrderHeaders',
    });
    const synced = await page(
      `${base}/sync/SalesOrder/SalesOrderHeaders?$select=OrderID&$filter=Timestamp ge ${String(body.d[0]?.['TimeStampAsBigInt'])}`,
    );
    expect(synced.d.results).toHaveLength(2);
    const lower = `/api/v1/${division}/READ/sync/sync/synctimestamp?modified=datetime'2026-02-01'&endPoint='SalesOrderHeaders'`;
    expect((await get(lower)).status).toBe(200);
  });

  it('needs both parameters', async () => {
    await setUp(0);
    const fn = `${base}/read/sync/Sync/SyncTimestamp`;
    expect((await get(`${fn}?modified=datetime'2026-02-01'`)).status).toBe(400);
    expect((await get(`${fn}?endPoint='TransactionLines'`)).status).toBe(400);
    expect((await get(`${fn}?modified=datetime'2026-02-01'&endPoint='TransactionLines'`)).status).toBe(200);
  });
});

describe('bulk endpoints (reference 5.3)', () => {
  it('pages by 1,000 in key order with a guid skiptoken and honours filters', async () => {
    await setUp(2100);
    const { rows, sizes } = await readAll(`${base}/bulk/CRM/Accounts?$select=ID,Name,Blocked`);
    expect(sizes).toEqual([1000, 1000, 100]);
    const ids = rows.map((r) => String(r['ID']));
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(2100);
    const first = await page(`${base}/bulk/CRM/Accounts?$select=ID`);
    expect(first.d.__next).toBe(
      `${sandbox.url}${base}/bulk/CRM/Accounts?$select=ID&$skiptoken=guid'${ids[999]}'`,
    );
    const blocked = await readAll(`${base}/Bulk/crm/accounts?$select=ID&$filter=Blocked eq true`);
    expect(blocked.rows).toHaveLength(210);
  });

  it('needs $select, is read-only and has no $skip', async () => {
    await setUp(1);
    expect(await errorOf(await get(`${base}/bulk/CRM/Accounts`))).toEqual([400, exactMessages.selectOrTop]);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await sandbox.call(
        method,
        `${base}/bulk/CRM/Accounts`,
        token,
        method === 'DELETE' ? undefined : {},
      );
      expect(res.status, method).toBe(405);
    }
    expect((await get(`${base}/bulk/CRM/Accounts?$select=ID&$skip=1`)).status).toBe(400);
  });

  it('serves order lines on their own', async () => {
    await setUp(0);
    orderWithLines([{}, { Quantity: 2 }]);
    const lines = await page(`${base}/bulk/SalesOrder/SalesOrderLines?$select=ID,OrderID,Quantity`);
    expect(lines.d.results.map((r) => r['Quantity']).sort()).toEqual([1, 2]);
  });
});
