import { describe, expect, it } from 'vitest';
import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { entityCatalog } from '../entities/entity-catalog.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandbox's JSON as it comes */

const api = useDivisionApi();

// Every unexpanded child collection is `{"__deferred":{"uri":…}}` (reference 4.2); the URI must
// answer the child collection in Exact's list shape.

type Deferred = { __deferred: { uri: string } };
const isDeferred = (value: unknown): value is Deferred =>
  typeof value === 'object' && value !== null && '__deferred' in value;

/** GET an absolute sandbox URI (JSON) and answer status and body. */
async function follow(uri: string, query = ''): Promise<{ status: number; body: any }> {
  const res = await api.sandbox.call('GET', `${uri.slice(api.sandbox.url.length)}${query}`, api.token);
  return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
}

function keyLiteral(value: unknown): string {
  return typeof value === 'number'
    ? String(value)
    : /^[0-9a-f-]{36}$/i.test(String(value))
      ? `guid'${String(value)}'`
      : `'${String(value)}'`;
}

describe('__deferred links', () => {
  it('answers every deferred link of every entity the demo division holds, with the child rows', async () => {
    const data = api.sandbox.state.division(3215711);
    let followed = 0;
    for (const entity of entityCatalog) {
      if (entity.fields.collections.size === 0) continue;
      // The record with the most children, so the links have rows to answer where the seed has any.
      const records = [...(data?.table(entity.path).values() ?? [])];
      const record = records.sort(
        (a, b) => Object.values(b.children).flat().length - Object.values(a.children).flat().length,
      )[0];
      if (!record) continue;
      const res = await api.get(`${entity.path}(${keyLiteral(record.row[entity.key])})`);
      expect(res.status, entity.path).toBe(200);
      const row = ((await res.json()) as { d: Row }).d;
      for (const name of entity.fields.collections.keys()) {
        const link = row[name];
        expect(isDeferred(link), `${entity.path} ${name}`).toBe(true);
        const uri = (link as Deferred).__deferred.uri;
        const answer = await follow(uri);
        expect(answer.status, uri).toBe(200);
        // A long collection pages like any list (60 a page, `__next`).
        const results: Row[] = [...answer.body.d.results];
        for (let next = answer.body.d.__next; next !== undefined;) {
          const page = await follow(next);
          expect(page.status, next).toBe(200);
          results.push(...page.body.d.results);
          next = page.body.d.__next;
        }
        const child = entity.children?.[name];
        const stored = record.children[name] ?? [];
        // Ordered by key without $orderby, as every list is.
        const keyOf = (r: Row) => String(r[child?.key ?? 'ID']);
        expect(results.map(keyOf), uri).toEqual(stored.map(keyOf).sort());
        if (child && results[0])
          expect(results[0]['__metadata']).toEqual({
            uri: `${api.sandbox.url}${api.base}/${child.path}(${keyLiteral(results[0]?.[child.key])})`,
            type: child.typeName,
          });
        followed += 1;
      }
    }
    // Orders, invoices, journal entries, stock counts, assortments… the demo holds them all.
    expect(followed).toBeGreaterThanOrEqual(5);
  });

  it("serves an order's SalesOrderLines and an invoice's SalesInvoiceLines with $select and $top", async () => {
    const [order] = await api.rows('salesorder/SalesOrders?$top=1&$select=OrderID,SalesOrderLines');
    const lines = (order?.['SalesOrderLines'] as Deferred).__deferred.uri;
    expect(lines).toMatch(/\/salesorder\/SalesOrders\(guid'[0-9a-f-]{36}'\)\/SalesOrderLines$/);
    const all = await follow(lines, '?$select=LineNumber,OrderID');
    expect(all.status).toBe(200);
    expect(all.body.d.results.length).toBeGreaterThan(0);
    for (const line of all.body.d.results) {
      expect(line['OrderID']).toBe(order?.['OrderID']);
      expect(Object.keys(line)).toEqual(['__metadata', 'LineNumber', 'OrderID']);
    }
    // `$top` answers the bare array, as any list does (reference 4.2).
    const first = await follow(lines, '?$top=1&$select=LineNumber');
    expect(first.body.d).toEqual([expect.objectContaining({ LineNumber: 1 })]);

    const [invoice] = await api.rows('salesinvoice/SalesInvoices?$top=1&$select=InvoiceID,SalesInvoiceLines');
    const invoiceLines = await follow((invoice?.['SalesInvoiceLines'] as Deferred).__deferred.uri);
    expect(invoiceLines.status).toBe(200);
    expect(invoiceLines.body.d.results.every((l: Row) => l['InvoiceID'] === invoice?.['InvoiceID'])).toBe(
      true,
    );
  });

  it('answers the deferred links of bulk rows with the source entity’s child rows', async () => {
    const [order] = await api.rows('bulk/SalesOrder/SalesOrders?$top=1&$select=OrderID,SalesOrderLines');
    const link = (order?.['SalesOrderLines'] as Deferred).__deferred.uri;
    expect(link).toMatch(/\/bulk\/SalesOrder\/SalesOrders\(guid'[0-9a-f-]{36}'\)\/SalesOrderLines$/);
    const lines = await follow(link, '?$select=OrderID');
    expect(lines.status).toBe(200);
    expect(lines.body.d.results.length).toBeGreaterThan(0);
    expect(lines.body.d.results.every((l: Row) => l['OrderID'] === order?.['OrderID'])).toBe(true);
    const [account] = await api.rows('bulk/CRM/Accounts?$top=1&$select=ID,BankAccounts');
    const bank = await follow((account?.['BankAccounts'] as Deferred).__deferred.uri);
    expect(bank).toEqual({ status: 200, body: { d: { results: [] } } });
  });

  it('answers 404 for an unknown record or collection, and 405 for anything but GET', async () => {
    const [order] = await api.rows('salesorder/SalesOrders?$top=1&$select=OrderID');
    const base = `${api.base}/salesorder/SalesOrders`;
    const missing = `${base}(guid'11111111-2222-4333-8444-555555555555')/SalesOrderLines`;
    expect((await api.sandbox.call('GET', missing, api.token)).status).toBe(404);
    const unknown = `${base}(guid'${String(order?.['OrderID'])}')/Nonsense`;
    expect((await api.sandbox.call('GET', unknown, api.token)).status).toBe(404);
    const lines = `${base}(guid'${String(order?.['OrderID'])}')/SalesOrderLines`;
    expect((await api.sandbox.call('POST', lines, api.token, {})).status).toBe(405);
  });
});
