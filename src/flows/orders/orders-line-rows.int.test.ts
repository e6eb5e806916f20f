import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { byRef, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const hex = (n: number) => n.toString(16).padStart(12, '0');
const invoiceId = (n: number) => `0e100000-0000-4000-8000-${hex(n)}`;

async function exactSettings(pair: Pair, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${pair.fx.url}/__sandbox/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    // The tests' own reads share Exact's minute with the flow: the limit is not what is tested here.
    body: JSON.stringify({ minutelyLimit: 10_000, ...settings }),
  });
  if (!res.ok) throw new Error(`Exact sandbox settings refused: ${await res.text()}`);
}

/** A Dutch customer of the demo with an e-mail, and a demo item: what the orders here are made of. */
async function customerAndItem(pair: Pair): Promise<{ account: any; item: any }> {
  const [account] = await pair.exact('bulk/CRM/Accounts', {
    $select: 'ID',
    $filter: "Country eq 'NL' and Email ne null",
    $top: '1',
  });
  const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code', $top: '1' });
  return { account, item };
}

/** Lines at whole euros and 21% VAT: every line's VAT is whole cents, so Exact's and Asperion's totals agree. */
const linesOf = (item: any, count: number, first = 1) =>
  Array.from({ length: count }, (_, n) => ({
    Item: item.ID,
    Quantity: 1 + (n % 3),
    UnitPrice: first + (n % 7),
    VATCode: 'VH',
    Description: `Regel ${n + 1}`,
  }));

/** Exact's totals of `ids` (bulk headers) and their line counts. */
async function exactTotals(pair: Pair, ids: readonly string[]) {
  const headers = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
    $select: 'InvoiceID,AmountFC,AmountFCExclVat,VATAmountFC',
  });
  const exactLines = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', { $select: 'InvoiceID' });
  return ids.map((id) => ({
    id,
    header: headers.find((h) => h.InvoiceID === id),
    lines: exactLines.filter((l) => l.InvoiceID === id).length,
  }));
}

async function expectSentAsInExact(pair: Pair, ids: readonly string[]): Promise<void> {
  const invoices = await pair.invoices();
  for (const { id, header, lines: count } of await exactTotals(pair, ids)) {
    const sent = byRef(invoices, id);
    expect(sent, id).toBeDefined();
    expect(lines(sent).length, id).toBe(count);
    expect(sent.amountExclVat, id).toBe(header.AmountFCExclVat);
    expect(sent.vatAmount, id).toBe(header.VATAmountFC);
    expect(sent.amountInclVat, id).toBe(header.AmountFC);
  }
}

const exactCalls = async (pair: Pair) =>
  (await pair.fx.requests()).filter((r) => r.path.startsWith('/api/v1/'));

describe.each(testDialects)("orders flow over Exact's line-level sync rows (%s)", (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it.each([false, true])(
    'sends documents straddling one and two page boundaries whole, header row %s',
    async (headerRow) => {
      pair = await startPair(dialect);
      await exactSettings(pair, { syncHeaderRow: headerRow });
      expect((await pair.run()).state).toBe('succeeded');
      const { account, item } = await customerAndItem(pair);
      // 600 + 1,500 + 3 line rows: the second invoice runs from the first page through the third.
      const ids = [invoiceId(1), invoiceId(2), invoiceId(3)];
      await pair.addExact({
        'salesinvoice/SalesInvoices': [
          salesInvoice(ids[0]!, account.ID, linesOf(item, 600)),
          salesInvoice(ids[1]!, account.ID, linesOf(item, 1500, 2)),
          salesInvoice(ids[2]!, account.ID, linesOf(item, 3, 5)),
        ],
      });
      await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
      const run = await pair.run();
      expect(run.state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
      expect(run.counts).toMatchObject({ read: 3, created: 3, deadLettered: 0 });
      // The rows were whole documents: no line was read by id.
      const paths = (await exactCalls(pair)).map((r) => r.path);
      expect(paths.filter((p) => p.includes('SalesInvoiceLines'))).toEqual([]);
      expect(paths.filter((p) => p.includes('sync/SalesInvoice/SalesInvoices')).length).toBe(3);
      await expectSentAsInExact(pair, ids);

      // Nothing changed: the next run sends nothing and reads no line.
      const again = await pair.run();
      expect(again.counts).toMatchObject({ read: 0, created: 0 });
    },
  );

  it.each([
    { versions: 'document', headerRow: false, line: 3, exactSyncRows: 'whole' },
    { versions: 'line', headerRow: false, line: 3, exactSyncRows: 'whole' },
    { versions: 'line', headerRow: true, line: 1, exactSyncRows: 'whole' },
    // Line 1 alone looks whole without a header row: `exactSyncRows: changed` reads the lines anyway.
    { versions: 'line', headerRow: false, line: 1, exactSyncRows: 'changed' },
  ] as const)(
    'sends a document changed after a first run whole on the next (row versions per $versions, header row $headerRow, exactSyncRows $exactSyncRows)',
    async ({ versions, headerRow, line, ...flowSettings }) => {
      pair = await startPair(dialect, { settings: flowSettings });
      await exactSettings(pair, { syncLineVersions: versions, syncHeaderRow: headerRow });
      const { account, item } = await customerAndItem(pair);
      const id = invoiceId(10);
      // An open invoice, skipped by a first run that sends processed ones only.
      await pair.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(id, account.ID, linesOf(item, 3))] });
      await pair.setSettings({ ...flowSettings, statuses: [50] });
      expect((await pair.run()).counts).toMatchObject({ read: 1, skipped: 1 });
      // One of its lines changes in Exact, and open invoices are sent from now on. With per-line
      // versions only that line (and the header row) comes again: a gap in the line numbers, or
      // line 1 alone not adding up to the header's total.
      const existing = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', {
        $select: 'ID,LineNumber',
        $filter: `InvoiceID eq guid'${id}'`,
      });
      const changed = existing.find((l) => l.LineNumber === line);
      await pair.writeExact('PUT', `salesinvoice/SalesInvoiceLines(guid'${changed.ID}')`, { Quantity: 5 });
      await pair.setSettings(flowSettings);
      await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
      const run = await pair.run();
      expect(run.state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
      expect(run.counts).toMatchObject({ read: 1, created: 1 });
      const linesRead = (await exactCalls(pair)).filter((r) => r.path.includes('SalesInvoiceLines'));
      // Per-line versions: only the changed line came, so the lines were read by id.
      expect(linesRead.length).toBe(versions === 'line' ? 1 : 0);
      await expectSentAsInExact(pair, [id]);
    },
  );

  it('costs two Exact calls for one new order of a known customer', async () => {
    pair = await startPair(dialect);
    await exactSettings(pair, {});
    const { account, item } = await customerAndItem(pair);
    await pair.addExact({
      'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(20), account.ID, linesOf(item, 2))],
    });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    await pair.addExact({
      'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(21), account.ID, linesOf(item, 4))],
    });
    await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, created: 1 });
    const calls = (await exactCalls(pair)).map((r) => r.path.replace(/^\/api\/v1\/\d+\//, ''));
    expect(calls.length, calls.join('\n')).toBeLessThanOrEqual(2);
    expect(calls.map((p) => p.split('?')[0])).toEqual([
      'sync/SalesInvoice/SalesInvoices',
      'sync/CRM/Accounts',
    ]);
    await expectSentAsInExact(pair, [invoiceId(20), invoiceId(21)]);

    // The customer's address changes in Exact: the next order carries it, read by the accounts feed.
    await pair.writeExact('PUT', `crm/Accounts(guid'${account.ID}')`, { City: 'Zwolle' });
    await pair.addExact({
      'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(22), account.ID, linesOf(item, 1))],
    });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    const debtors = await pair.list('debtors');
    expect(debtors.some((d) => d.city === 'Zwolle')).toBe(true);
  });
});
