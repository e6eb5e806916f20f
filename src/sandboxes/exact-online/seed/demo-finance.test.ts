import { describe, expect, it } from 'vitest';
import { sumCents, toCents } from '../../../core/money.js';
import { sandboxDivisions } from '../divisions.js';
import { accountsEntity } from '../entities/accounts.js';
import { DivisionData, createRecord } from '../entities/entity-store.js';
import { itemsEntity } from '../entities/items.js';
import { salesOrdersEntity } from '../entities/sales-orders.js';
import { vatCodesEntity } from '../entities/vat-codes.js';
import { Prng } from '../prng.js';
import { defaultExactSettings } from '../settings.js';
import { seedFinance } from './demo-finance.js';

const now = '2026-03-10T10:00:00.000';
const settings = defaultExactSettings;
const division = sandboxDivisions[0];

/** A division with many orders in every status over the past year, as a scaled-up seed has. */
function divisionWithOrders(orders: number): DivisionData {
  const data = new DivisionData(division?.code ?? 0);
  const prng = new Prng(7);
  for (const [Code, Percentage] of [
    ['VH', 0.21],
    ['VL', 0.09],
    ['V0', 0],
  ] as const) {
    const record = createRecord(
      vatCodesEntity,
      data,
      { row: { Code, Description: Code }, children: {} },
      now,
      settings,
    );
    record.row['Percentage'] = Percentage;
  }
  const accounts = Array.from({ length: 50 }, (_, i) =>
    String(
      createRecord(
        accountsEntity,
        data,
        { row: { Name: `Klant ${i}`, Status: 'C' }, children: {} },
        now,
        settings,
      ).row['ID'],
    ),
  );
  const items = Array.from({ length: 20 }, (_, i) => {
    const row = { Code: `I${i}`, Description: `Artikel ${i}`, SalesVatCode: i % 4 === 0 ? 'VL' : 'VH' };
    const record = createRecord(itemsEntity, data, { row, children: {} }, now, settings);
    record.row['StandardSalesPrice'] = 5 + i * 3.35;
    return String(record.row['ID']);
  });
  for (let i = 0; i < orders; i++) {
    const lines = Array.from({ length: prng.int(1, 4) }, () => ({
      Item: prng.pick(items),
      Quantity: prng.int(1, 5),
    }));
    const row = { OrderNumber: i + 1, OrderedBy: prng.pick(accounts) };
    const order = createRecord(
      salesOrdersEntity,
      data,
      { row, children: { SalesOrderLines: lines } },
      now,
      settings,
    );
    // The order seed sets statuses and dates directly, as they are read-only in the API.
    order.row['Status'] = prng.pick([12, 20, 21, 21, 45]);
    const day = Date.parse('2026-03-10T00:00:00Z') - prng.int(0, 364) * 86_400_000;
    order.row['OrderDate'] = new Date(day).toISOString().slice(0, 23);
  }
  return data;
}

describe('seedFinance', () => {
  it('invoices most partial and complete orders, none of the others, and books balanced entries', () => {
    const data = divisionWithOrders(600);
    if (!division) throw new Error('no division');
    seedFinance(division, data, now, settings);
    const orders = [...data.table('salesorder/SalesOrders').values()].map((r) => r.row);
    const billable = new Set(
      orders.filter((o) => o['Status'] === 20 || o['Status'] === 21).map((o) => o['OrderNumber']),
    );
    const invoices = [...data.table('salesinvoice/SalesInvoices').values()];
    const fromOrders = invoices.filter((r) => r.row['OrderNumber'] !== null);
    expect(fromOrders.every((r) => billable.has(r.row['OrderNumber']))).toBe(true);
    expect(fromOrders.length).toBeGreaterThan(billable.size * 0.8);
    expect(fromOrders.length).toBeLessThan(billable.size);
    for (const invoice of fromOrders) {
      const lines = invoice.children['SalesInvoiceLines'] ?? [];
      expect(lines.every((l) => l['SalesOrderNumber'] === invoice.row['OrderNumber'])).toBe(true);
      expect(String(invoice.row['InvoiceDate']) <= now).toBe(true);
    }
    const entries = new Map<string, bigint[]>();
    for (const { row } of data.table('financialtransaction/TransactionLines').values()) {
      const key = String(row['EntryID']);
      entries.set(key, [...(entries.get(key) ?? []), toCents(Number(row['AmountDC']))]);
    }
    for (const amounts of entries.values()) expect(sumCents(amounts)).toBe(0n);
    const processed = invoices.filter((r) => r.row['Status'] === 50).length;
    expect(entries.size).toBeGreaterThan(processed);
  });

  it('gives the same data on every run', () => {
    const snapshot = () => {
      const data = divisionWithOrders(50);
      if (division) seedFinance(division, data, now, settings);
      return [...data.table('financialtransaction/TransactionLines').values()].map((r) => [
        r.row['ID'],
        r.row['EntryNumber'],
        r.row['AmountDC'],
        r.timestamp,
      ]);
    };
    expect(snapshot()).toEqual(snapshot());
  });
});
