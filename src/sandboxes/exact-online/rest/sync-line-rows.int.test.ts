import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactMessages } from '../odata-error.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

// Conformance of the document sync feeds against reference 5.1/5.2 and Exact's field lists
// (scripts/exact-field-lists/sync.SalesInvoice.SalesInvoices.json and the SalesOrder ones).

type Row = Record<string, unknown>;
interface Collection {
  d: { results: Row[]; __next?: string };
}

const division = 3215711;
const base = `/api/v1/${division}`;
let sandbox: TestSandbox;
let token: string;
let customer: string;
let items: string[];

beforeEach(async () => {
  sandbox = await startTestSandbox('reference', '2026-03-10T09:00:00.000Z');
  Object.assign(sandbox.state.settings, { minutelyLimit: 100_000, dailyLimit: 100_000, errorsPerHour: 0 });
  token = await sandbox.token();
  const accounts = await rows(`crm/Accounts?$filter=Status eq 'C' and Blocked eq false&$top=1&$select=ID`);
  customer = String(accounts[0]?.['ID']);
  const found = await rows(
    `logistics/Items?$filter=Code gt 'A' and SalesVatCode eq 'VH'&$orderby=Code&$top=3&$select=ID`,
  );
  items = found.map((r) => String(r['ID']));
  expect(items).toHaveLength(3);
});

afterEach(async () => {
  await sandbox?.close();
});

const call = (method: string, path: string, body?: unknown) =>
  sandbox.call(method, `${base}/${path}`, token, body, { prefer: 'return=representation' });

async function rows(path: string): Promise<Row[]> {
  const res = await call('GET', path);
  expect(res.status, path).toBe(200);
  // A `$top` query that fits one page answers a bare array (reference 4.2), others the envelope.
  const { d } = (await res.json()) as { d: Row[] | Collection['d'] };
  return Array.isArray(d) ? d : d.results;
}

async function one(path: string): Promise<Row> {
  const res = await call('GET', path);
  expect(res.status, path).toBe(200);
  return ((await res.json()) as { d: Row }).d;
}

async function created(path: string, body: Row): Promise<Row> {
  const res = await call('POST', path, body);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(201);
  return ((await res.json()) as { d: Row }).d;
}

async function status(method: string, path: string, body?: Row): Promise<number> {
  const res = await call(method, path, body);
  if (res.status >= 400) expect.fail(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status;
}

/** Every row of a sync read after `since`, following __next, with the size of each page. */
async function sync(feed: string, select: string, since = '1'): Promise<{ rows: Row[]; sizes: number[] }> {
  const all: Row[] = [];
  const sizes: number[] = [];
  let next: string | undefined = `${base}/${feed}?$filter=Timestamp gt ${since}&$select=${select}`;
  while (next) {
    const res = await sandbox.call('GET', next, token);
    expect(res.status, next).toBe(200);
    const body = (await res.json()) as Collection;
    all.push(...body.d.results);
    sizes.push(body.d.results.length);
    next = body.d.__next?.slice(sandbox.url.length);
  }
  return { rows: all, sizes };
}

const highest = (list: Row[]): string =>
  list
    .map((r) => BigInt(String(r['Timestamp'])))
    .reduce((a, b) => (b > a ? b : a), 0n)
    .toString();

function threeLines(): Row[] {
  return items.map((item, i) => ({ Item: item, Quantity: i + 1, UnitPrice: 10 * (i + 1) }));
}

const invoice = (lines: Row[] = threeLines()): Promise<Row> =>
  created('salesinvoice/SalesInvoices', { Journal: '70', OrderedBy: customer, SalesInvoiceLines: lines });

const order = (lines: Row[] = threeLines()): Promise<Row> =>
  created('salesorder/SalesOrders', { OrderedBy: customer, YourRef: 'PO-1', SalesOrderLines: lines });

const linesOf = (doc: Row, name: string): Row[] => (doc[name] as { results: Row[] }).results;

const invoiceSelect =
  'Timestamp,ID,InvoiceID,LineNumber,Item,Quantity,UnitPrice,NetPrice,AmountFC,VATAmountFC,VATCode,GLAccount,' +
  'InvoiceNumber,OrderedBy,Journal,Status,AmountDiscount,AmountDiscountExclVat,AmountFCExclVat';

describe('sync/SalesInvoice/SalesInvoices: one row per invoice line (reference 5.1)', () => {
  it('gives a 3-line invoice three rows: own ID, shared InvoiceID, line amounts, header repeated, header-only null', async () => {
    const doc = await invoice();
    const lines = linesOf(doc, 'SalesInvoiceLines');
    const { rows: feed } = await sync('sync/SalesInvoice/SalesInvoices', invoiceSelect);
    expect(feed).toHaveLength(3);
    expect(new Set(feed.map((r) => r['ID'])).size).toBe(3);
    expect(feed.map((r) => r['ID']).sort()).toEqual(lines.map((l) => l['ID']).sort());
    expect(feed.map((r) => r['LineNumber'])).toEqual([1, 2, 3]);
    expect(new Set(feed.map((r) => r['Timestamp'])).size).toBe(3);
    for (const [i, row] of feed.entries()) {
      const line = lines.find((l) => l['ID'] === row['ID']) ?? {};
      expect(row).toMatchObject({
        InvoiceID: doc['InvoiceID'],
        InvoiceNumber: doc['InvoiceNumber'],
        OrderedBy: customer,
        Journal: '70',
        Status: 20,
        Item: items[i],
        Quantity: i + 1,
        UnitPrice: 10 * (i + 1),
        NetPrice: 10 * (i + 1),
        AmountFC: line['AmountFC'],
        VATAmountFC: line['VATAmountFC'],
        VATCode: line['VATCode'],
        GLAccount: line['GLAccount'],
        AmountDiscount: null,
        AmountDiscountExclVat: null,
        AmountFCExclVat: null,
      });
    }
    expect(feed.map((r) => r['AmountFC'])).toEqual([10, 40, 90]);
  });

  it('lets a 1,500-line invoice straddle two pages, every line once', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ Item: items[i % 3], Quantity: 1, UnitPrice: 1 }));
    const doc = await invoice(many);
    const { rows: feed, sizes } = await sync(
      'sync/SalesInvoice/SalesInvoices',
      'Timestamp,ID,InvoiceID,LineNumber',
    );
    expect(sizes).toEqual([1000, 500]);
    expect(new Set(feed.map((r) => r['ID'])).size).toBe(1500);
    expect(feed.every((r) => r['InvoiceID'] === doc['InvoiceID'])).toBe(true);
    expect(feed.map((r) => r['LineNumber'])).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
  });

  it('accepts $select of a line field and refuses an unknown field as Exact does', async () => {
    await invoice();
    const feed = `${base}/sync/SalesInvoice/SalesInvoices?$filter=Timestamp gt 1`;
    expect(
      (await sandbox.call('GET', `${feed}&$select=LineNumber,GLAccount,SalesOrderLine`, token)).status,
    ).toBe(200);
    for (const bad of ['NoSuchField', 'SalesInvoiceLines', '*']) {
      const res = await sandbox.call('GET', `${feed}&$select=ID,${bad}`, token);
      const body = (await res.json()) as { error: { message: { value: string } } };
      expect([res.status, body.error.message.value], bad).toEqual([400, exactMessages.querySyntax]);
    }
  });

  it('adds one header row per invoice with syncHeaderRow: LineNumber 0, ID the InvoiceID, line fields null', async () => {
    const doc = await invoice();
    sandbox.state.settings.syncHeaderRow = true;
    const { rows: feed } = await sync('sync/SalesInvoice/SalesInvoices', invoiceSelect);
    expect(feed).toHaveLength(4);
    const header = feed.find((r) => r['LineNumber'] === 0);
    expect(header).toMatchObject({
      ID: doc['InvoiceID'],
      InvoiceID: doc['InvoiceID'],
      InvoiceNumber: doc['InvoiceNumber'],
      Item: null,
      Quantity: null,
      UnitPrice: null,
      GLAccount: null,
      VATCode: null,
      AmountFC: doc['AmountFC'],
      AmountFCExclVat: doc['AmountFCExclVat'],
      AmountDiscount: doc['AmountDiscount'],
    });
    // The header row comes first: the document's version precedes its lines'.
    expect(feed[0]).toBe(header);
    sandbox.state.settings.syncHeaderRow = false;
    expect(
      (await sync('sync/SalesInvoice/SalesInvoices', 'ID,LineNumber')).rows.map((r) => r['LineNumber']),
    ).toEqual([1, 2, 3]);
  });
});

describe('row versions of document lines (syncLineVersions, UNCONFIRMED)', () => {
  it('renews every row of the invoice when one line changes (document, the default)', async () => {
    const doc = await invoice();
    const before = (await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID')).rows;
    const second = linesOf(doc, 'SalesInvoiceLines')[1] ?? {};
    await status('PUT', `salesinvoice/SalesInvoiceLines(guid'${String(second['ID'])}')`, { Quantity: 5 });
    const after = await sync(
      'sync/SalesInvoice/SalesInvoices',
      'Timestamp,ID,Quantity,AmountFC',
      highest(before),
    );
    expect(after.rows).toHaveLength(3);
    expect(after.rows.find((r) => r['ID'] === second['ID'])).toMatchObject({ Quantity: 5, AmountFC: 100 });
  });

  it('renews only the changed line with line, and every row on a header change', async () => {
    sandbox.state.settings.syncLineVersions = 'line';
    const doc = await invoice();
    const before = (await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID')).rows;
    const second = linesOf(doc, 'SalesInvoiceLines')[1] ?? {};
    await status('PUT', `salesinvoice/SalesInvoiceLines(guid'${String(second['ID'])}')`, { Quantity: 5 });
    const changed = await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID,Quantity', highest(before));
    expect(changed.rows.map((r) => r['ID'])).toEqual([second['ID']]);
    // With a header row, the header (whose totals moved) comes too.
    sandbox.state.settings.syncHeaderRow = true;
    const withHeader = await sync(
      'sync/SalesInvoice/SalesInvoices',
      'Timestamp,ID,LineNumber',
      highest(before),
    );
    expect(withHeader.rows.map((r) => r['LineNumber']).sort()).toEqual([0, 2]);
    sandbox.state.settings.syncHeaderRow = false;
    const mark = highest((await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp')).rows);
    await status('PUT', `salesinvoice/SalesInvoices(guid'${String(doc['InvoiceID'])}')`, {
      Description: 'x',
    });
    const header = await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID', mark);
    expect(header.rows).toHaveLength(3);
  });

  it('renews the remaining lines when a line is added or removed (document)', async () => {
    const doc = await invoice();
    const mark = highest((await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp')).rows);
    const added = await created('salesinvoice/SalesInvoiceLines', {
      InvoiceID: doc['InvoiceID'],
      Item: items[0],
      // Mandatory on a line posted on its own (appendix A flags).
      GLAccount: linesOf(doc, 'SalesInvoiceLines')[0]?.['GLAccount'],
      Quantity: 1,
      UnitPrice: 7,
    });
    const afterAdd = await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID,LineNumber', mark);
    expect(afterAdd.rows.map((r) => r['LineNumber'])).toEqual([1, 2, 3, 4]);
    expect(afterAdd.rows.at(-1)?.['ID']).toBe(added['ID']);
    const mark2 = highest(afterAdd.rows);
    const first = linesOf(doc, 'SalesInvoiceLines')[0] ?? {};
    await status('DELETE', `salesinvoice/SalesInvoiceLines(guid'${String(first['ID'])}')`);
    const afterDelete = await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp,ID,LineNumber', mark2);
    expect(afterDelete.rows.map((r) => r['LineNumber'])).toEqual([1, 2, 3]);
    expect(afterDelete.rows.map((r) => r['ID'])).not.toContain(first['ID']);
  });

  it('renews every row of an order on a header change (a status change must reach the line feed)', async () => {
    const doc = await order();
    const before = (await sync('sync/SalesOrder/SalesOrders', 'Timestamp,ID')).rows;
    await status('PUT', `salesorder/SalesOrders(guid'${String(doc['OrderID'])}')`, { Description: 'Nieuw' });
    const after = await sync(
      'sync/SalesOrder/SalesOrders',
      'Timestamp,ID,Description,OrderID',
      highest(before),
    );
    expect(after.rows).toHaveLength(3);
    expect(after.rows.every((r) => r['OrderID'] === doc['OrderID'])).toBe(true);
  });
});

describe('a status change of an order (control API: deliveries, invoicing, cancelling)', () => {
  const progress = (body: unknown) =>
    fetch(`${sandbox.url}/__sandbox/sales-orders/progress`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('reaches every row of every order feed, also with syncLineVersions line', async () => {
    sandbox.state.settings.syncLineVersions = 'line';
    const doc = await order();
    const [first] = linesOf(doc, 'SalesOrderLines');
    const mark = highest((await sync('sync/SalesOrder/SalesOrders', 'Timestamp')).rows);
    const res = await progress({
      division,
      orderId: doc['OrderID'],
      lines: [{ id: first?.['ID'], quantityDelivered: 1 }],
    });
    expect(res.status).toBe(200);
    const legacy = await sync('sync/SalesOrder/SalesOrders', 'ID,Status,DeliveryStatus', mark);
    expect(legacy.rows.map((r) => [r['Status'], r['DeliveryStatus']])).toEqual([
      [20, 20],
      [20, 20],
      [20, 20],
    ]);
    const lines = await sync(
      'sync/SalesOrder/SalesOrderLines',
      'ID,Status,DeliveryStatus,QuantityDelivered',
      mark,
    );
    expect(lines.rows.map((r) => [r['Status'], r['DeliveryStatus'], r['QuantityDelivered']])).toEqual([
      [20, 21, 1],
      [12, 12, null],
      [12, 12, null],
    ]);
    const headers = await sync('sync/SalesOrder/SalesOrderHeaders', 'ID,Status', mark);
    expect(headers.rows).toEqual([expect.objectContaining({ ID: doc['OrderID'], Status: 20 })]);
    const mark2 = highest((await sync('sync/SalesOrder/SalesOrders', 'Timestamp')).rows);
    expect((await progress({ division, orderId: doc['OrderID'], cancel: true })).status).toBe(200);
    const cancelled = await sync('sync/SalesOrder/SalesOrders', 'Timestamp,Status', mark2);
    expect(cancelled.rows.map((r) => r['Status'])).toEqual([45, 45, 45]);
    expect((await progress({ division, orderId: items[0], cancel: true })).status).toBe(404);
  });
});

describe('sync/SalesOrder/SalesOrders and its successors', () => {
  it('serves the legacy feed one row per order line with the order repeated', async () => {
    const doc = await order();
    const lines = linesOf(doc, 'SalesOrderLines');
    const { rows: feed } = await sync(
      'sync/SalesOrder/SalesOrders',
      'Timestamp,ID,OrderID,OrderNumber,LineNumber,Item,Quantity,AmountFC,YourRef,Status,AmountFCExclVat',
    );
    expect(feed.map((r) => r['LineNumber'])).toEqual([1, 2, 3]);
    expect(feed.map((r) => r['ID'])).toEqual(lines.map((l) => l['ID']));
    for (const row of feed)
      expect(row).toMatchObject({
        OrderID: doc['OrderID'],
        OrderNumber: doc['OrderNumber'],
        YourRef: 'PO-1',
        Status: 12,
        AmountFCExclVat: null,
      });
    expect(feed.map((r) => r['AmountFC'])).toEqual([10, 40, 90]);
  });

  it('serves SalesOrderHeaders one row per order and SalesOrderLines one row per line, each with its own versions', async () => {
    const doc = await order();
    const headers = (
      await sync(
        'sync/SalesOrder/SalesOrderHeaders',
        'Timestamp,ID,OrderID,AmountFC,AmountFCExclVat,VATAmount',
      )
    ).rows;
    expect(headers).toHaveLength(1);
    expect(headers[0]).toMatchObject({
      ID: doc['OrderID'],
      OrderID: doc['OrderID'],
      AmountFC: doc['AmountFC'],
      AmountFCExclVat: doc['AmountFCExclVat'],
    });
    const lines = (
      await sync(
        'sync/SalesOrder/SalesOrderLines',
        'Timestamp,ID,OrderID,OrderNumber,LineNumber,Status,AmountFC',
      )
    ).rows;
    expect(lines.map((r) => r['LineNumber'])).toEqual([1, 2, 3]);
    expect(lines.every((r) => r['OrderID'] === doc['OrderID'] && r['Status'] === 12)).toBe(true);
    const stamps = [...headers, ...lines].map((r) => r['Timestamp']);
    expect(new Set(stamps).size).toBe(4);
    // The lines feed has no header fields but OrderNumber (Exact's list).
    const refused = await sandbox.call(
      'GET',
      `${base}/sync/SalesOrder/SalesOrderLines?$filter=Timestamp gt 1&$select=YourRef`,
      token,
    );
    expect(refused.status).toBe(400);
  });
});

describe('salesorder/SalesOrderLines on their own (appendix A: GET POST PUT DELETE)', () => {
  it('reads, adds and changes an order line, and the order and its feeds follow', async () => {
    const doc = await order();
    const orderId = String(doc['OrderID']);
    const listed = await rows(
      `salesorder/SalesOrderLines?$filter=OrderID eq guid'${orderId}'&$orderby=LineNumber&$select=ID,LineNumber`,
    );
    expect(listed.map((r) => r['LineNumber'])).toEqual([1, 2, 3]);
    const mark = highest((await sync('sync/SalesOrder/SalesOrderLines', 'Timestamp')).rows);
    const added = await created('salesorder/SalesOrderLines', {
      OrderID: orderId,
      Item: items[0],
      Quantity: 2,
      UnitPrice: 5,
    });
    expect(added).toMatchObject({
      LineNumber: 4,
      AmountFC: 10,
      OrderNumber: doc['OrderNumber'],
      DeliveryStatus: 12,
    });
    await status('PUT', `salesorder/SalesOrderLines(guid'${String(added['ID'])}')`, { Quantity: 3 });
    const line = await one(
      `salesorder/SalesOrderLines(guid'${String(added['ID'])}')?$select=Quantity,AmountFC`,
    );
    expect(line).toMatchObject({ Quantity: 3, AmountFC: 15 });
    const after = await rows(
      `salesorder/SalesOrders?$filter=OrderID eq guid'${orderId}'&$select=AmountFCExclVat`,
    );
    expect(after[0]?.['AmountFCExclVat']).toBe(155);
    const feed = await sync('sync/SalesOrder/SalesOrderLines', 'ID,Quantity', mark);
    expect(feed.rows).toHaveLength(4);
    expect(feed.rows.at(-1)).toMatchObject({ ID: added['ID'], Quantity: 3 });
    const noOrder = await call('POST', 'salesorder/SalesOrderLines', { Item: items[0] });
    expect(noOrder.status).toBe(500);
  });
});

describe('sync/Deleted for documents and their lines (reference 5.2, appendix B)', () => {
  const deleted = async (since: string) =>
    (await sync('sync/Deleted', 'Timestamp,EntityType,EntityKey', since)).rows.map((r) => [
      r['EntityType'],
      r['EntityKey'],
    ]);

  it('records a deleted invoice line (13) and a deleted invoice (13 per line and for the invoice)', async () => {
    const doc = await invoice();
    const [first, ...rest] = linesOf(doc, 'SalesInvoiceLines').map((l) => String(l['ID']));
    const mark = highest((await sync('sync/SalesInvoice/SalesInvoices', 'Timestamp')).rows);
    await status('DELETE', `salesinvoice/SalesInvoiceLines(guid'${String(first)}')`);
    expect(await deleted(mark)).toEqual([[13, first]]);
    const mark2 = highest((await sync('sync/Deleted', 'Timestamp')).rows);
    await status('DELETE', `salesinvoice/SalesInvoices(guid'${String(doc['InvoiceID'])}')`);
    expect(await deleted(mark2)).toEqual([...rest.map((id) => [13, id]), [13, doc['InvoiceID']]]);
    expect((await sync('sync/SalesInvoice/SalesInvoices', 'ID')).rows).toEqual([]);
  });

  it('records a deleted order line as 12 and 33 and renews the rest of the order (document)', async () => {
    const doc = await order();
    const [first, ...rest] = linesOf(doc, 'SalesOrderLines').map((l) => String(l['ID']));
    const mark = highest((await sync('sync/SalesOrder/SalesOrders', 'Timestamp')).rows);
    await status('DELETE', `salesorder/SalesOrderLines(guid'${String(first)}')`);
    expect(await deleted(mark)).toEqual([
      [12, first],
      [33, first],
    ]);
    const legacy = await sync('sync/SalesOrder/SalesOrders', 'ID,LineNumber,AmountFC', mark);
    expect(legacy.rows.map((r) => [r['ID'], r['LineNumber']])).toEqual(rest.map((id, i) => [id, i + 1]));
    const lines = await sync('sync/SalesOrder/SalesOrderLines', 'ID', mark);
    expect(lines.rows.map((r) => r['ID'])).toEqual(rest);
    const headers = await sync('sync/SalesOrder/SalesOrderHeaders', 'ID,AmountFCExclVat', mark);
    expect(headers.rows).toEqual([expect.objectContaining({ ID: doc['OrderID'], AmountFCExclVat: 130 })]);
  });

  it('records a deleted order as 12 (legacy feed), 32 (header) and 33 (each line)', async () => {
    const doc = await order();
    const lines = linesOf(doc, 'SalesOrderLines').map((l) => String(l['ID']));
    const mark = highest((await sync('sync/SalesOrder/SalesOrders', 'Timestamp')).rows);
    await status('DELETE', `salesorder/SalesOrders(guid'${String(doc['OrderID'])}')`);
    expect(await deleted(mark)).toEqual([
      ...lines.map((id) => [12, id]),
      [12, doc['OrderID']],
      [32, doc['OrderID']],
      ...lines.map((id) => [33, id]),
    ]);
    for (const feed of ['SalesOrders', 'SalesOrderHeaders', 'SalesOrderLines'])
      expect((await sync(`sync/SalesOrder/${feed}`, 'ID')).rows, feed).toEqual([]);
  });
});
