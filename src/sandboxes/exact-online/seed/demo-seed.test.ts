import { describe, expect, it } from 'vitest';
import { ManualClock, OffsetClock } from '../../../core/clock.js';
import { entityCatalog } from '../entities/entity-catalog.js';
import { sumDecimal } from '../entities/exact-decimal.js';
import type { ScalarType } from '../entities/field-types.js';
import { toStoredValue } from '../entities/input-values.js';
import { nextEntryNumber } from '../entities/ledger.js';
import { defaultExactSettings } from '../settings.js';
import { Prng } from '../prng.js';
import { SandboxState } from '../sandbox-state.js';
import { demoIban, demoVatNumber, ean13, ean13CheckDigit, iban, mod97 } from './demo-identifiers.js';
import { seedDemo, type DemoScope } from './demo-seed.js';

function seededState(
  at: string,
  cache = true,
  scope: DemoScope = 'demo',
): { state: SandboxState; seeded: ReturnType<typeof seedDemo> } {
  const state = new SandboxState(new OffsetClock(new ManualClock(at)));
  return { state, seeded: seedDemo(state, { cache, scope }) };
}

/** Every stored record of every division and entity, with children and row versions, as text. */
function dump(state: SandboxState): { text: string; records: number } {
  let records = 0;
  const out = state.divisions.map((division) => {
    const data = state.division(division.code);
    return entityCatalog.map((entity) => {
      const rows = [...(data?.table(entity.path).entries() ?? [])];
      records += rows.length;
      return [entity.path, rows];
    });
  });
  return { text: JSON.stringify(out), records };
}

describe('demo seed', () => {
  it('gives identical data when seeded twice at the same clock', () => {
    const first = dump(seededState('2026-03-10T09:00:00.000Z', false).state);
    const second = dump(seededState('2026-03-10T09:00:00.000Z', false).state);
    expect(first.records).toBeGreaterThan(2000);
    expect(second.text).toBe(first.text);
  }, 20_000);

  it('hands out independent copies of a seed built before at the same clock', () => {
    const fresh = dump(seededState('2026-04-01T12:00:00.000Z', false).state);
    const a = seededState('2026-04-01T12:00:00.000Z').state;
    expect(dump(a).text).toBe(fresh.text);
    const accounts = a.division(3215711)!.table('crm/Accounts');
    const [key, record] = [...accounts][0]!;
    record.row['Name'] = 'Veranderd';
    record.timestamp = 1;
    accounts.delete(key);
    a.division(3215712)!.table('salesorder/SalesOrders').values().next().value!.children[
      'SalesOrderLines'
    ]![0]!['Quantity'] = 999;
    const b = seededState('2026-04-01T12:00:00.000Z').state;
    expect(dump(b).text).toBe(fresh.text);
    expect(b.division(3215711)!.nextTimestamp()).toBe(a.division(3215711)!.nextTimestamp());
    // Entry numbering goes on after the seed's own invoices in a copy too (not from 1 again).
    const numbers = b
      .division(3215711)!
      .rows('salesinvoice/SalesInvoices')
      .map((r) => Number(r['InvoiceNumber']))
      .filter((n) => String(n).startsWith('2670'));
    expect(numbers.length).toBeGreaterThan(10);
    expect(nextEntryNumber(b.division(3215711)!, '70', 2026)).toBe(Math.max(...numbers) + 1);
  }, 20_000);

  it('has the same reference data without documents in the reference seed', () => {
    const at = '2026-03-10T09:00:00.000Z';
    const demo = seededState(at).state;
    const reference = seededState(at, true, 'reference').state;
    const rowsOf = (state: SandboxState, path: string) =>
      JSON.stringify(state.divisions.map((d) => state.division(d.code)!.rows(path)));
    for (const path of [
      'crm/Accounts',
      'crm/Contacts',
      'logistics/Items',
      'logistics/SalesItemPrices',
      'vat/VATCodes',
      'financial/GLAccounts',
      'financial/Journals',
      'cashflow/PaymentConditions',
    ]) {
      expect(rowsOf(reference, path).length, path).toBeGreaterThan(100);
      expect(rowsOf(reference, path), path).toBe(rowsOf(demo, path));
    }
    for (const path of [
      'salesorder/SalesOrders',
      'salesinvoice/SalesInvoices',
      'generaljournalentry/GeneralJournalEntries',
      'financialtransaction/TransactionLines',
    ]) {
      for (const division of reference.divisions)
        expect(reference.division(division.code)!.rows(path), path).toEqual([]);
      expect(demo.division(3215711)!.rows(path).length, path).toBeGreaterThan(0);
    }
  }, 20_000);

  it('stores every value as the API would have stored it from a request body', () => {
    const { state } = seededState('2026-03-10T09:00:00.000Z');
    let checked = 0;
    // Mismatches are collected and compared once: an expect() per value (several 100,000s) is slow.
    const mismatches: string[] = [];
    const check = (types: ReadonlyMap<string, ScalarType>, row: Record<string, unknown>) => {
      for (const [name, type] of types) {
        const value = row[name];
        if (value === null || value === undefined) continue;
        const stored = toStoredValue(value, type, defaultExactSettings);
        if (!Object.is(stored, value)) mismatches.push(`${name} = ${String(value)} -> ${String(stored)}`);
        checked++;
      }
    };
    for (const division of state.divisions) {
      for (const entity of entityCatalog) {
        for (const record of state.division(division.code)!.table(entity.path).values()) {
          check(entity.fieldTypes, record.row);
          for (const [name, child] of Object.entries(entity.children ?? {}))
            for (const line of record.children[name] ?? []) check(child.fieldTypes, line);
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('anchors order dates on the clock: all within the 365 days up to now', () => {
    for (const [at, today] of [
      ['2026-03-10T09:00:00.000Z', '2026-03-10'],
      ['2026-09-01T20:30:00.000Z', '2026-09-01'],
    ] as const) {
      const { seeded } = seededState(at);
      const orders = [...seeded.values()].flatMap((s) => s.orders);
      const dates = orders.map((o) => o.orderDate.slice(0, 10)).sort();
      const yearBefore = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      expect(dates[0]! > yearBefore).toBe(true);
      expect(dates.at(-1)! <= today).toBe(true);
      // Some orders are from the last week, some from eleven months ago.
      expect(
        dates.at(-1)! >=
          new Date(Date.parse(`${today}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10),
      ).toBe(true);
      expect(
        dates[0]! < new Date(Date.parse(`${today}T00:00:00Z`) - 330 * 86_400_000).toISOString().slice(0, 10),
      ).toBe(true);
    }
  });

  it('keeps each order consistent: statuses follow the lines, amounts add up', () => {
    const { state, seeded } = seededState('2026-03-10T09:00:00.000Z');
    const main = seeded.get(3215711)!;
    const data = state.division(3215711)!;
    for (const order of main.orders) {
      const record = data.table('salesorder/SalesOrders').get(order.id)!;
      const lines = record.children['SalesOrderLines']!;
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(8);
      const statuses = [order.status, order.deliveryStatus, order.invoiceStatus];
      if (order.status === 45) expect(statuses).toEqual([45, 45, 45]);
      if (order.status === 12) expect(statuses).toEqual([12, 12, 12]);
      if (order.status === 21) expect(statuses).toEqual([21, 21, 21]);
      const net = sumDecimal(lines.map((l) => Number(l['AmountFC'])));
      expect(record.row['AmountFCExclVat']).toBe(net);
      expect(record.row['AmountFC']).toBe(sumDecimal([net, ...lines.map((l) => Number(l['VATAmount']))]));
      if (order.currency === 'EUR') expect(record.row['AmountDC']).toBe(record.row['AmountFC']);
      else expect(record.row['AmountDC']).not.toBe(record.row['AmountFC']);
      for (const line of lines) {
        const quantity = Number(line['Quantity']);
        if (order.status === 21)
          expect([line['QuantityDelivered'], line['QuantityInvoiced']]).toEqual([quantity, quantity]);
        if (order.status === 12)
          expect([line['QuantityDelivered'], line['QuantityInvoiced']]).toEqual([0, 0]);
        expect(Number(line['QuantityInvoiced'] ?? 0)).toBeLessThanOrEqual(
          Number(line['QuantityDelivered'] ?? 0),
        );
      }
      if (order.status === 20) {
        const done = lines.filter((l) => l['DeliveryStatus'] === 21 && l['InvoiceStatus'] === 21).length;
        expect(done).toBeLessThan(lines.length);
        expect(order.deliveryStatus === 12 && order.invoiceStatus === 12).toBe(false);
      }
    }
  });
});

describe('demo identifiers', () => {
  it('computes check digits as the standards define them (published examples)', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(ean13('871234500001')).toMatch(/^\d{13}$/);
    expect(iban('NL', 'ABNA0417164300')).toBe('NL91ABNA0417164300');
    expect(iban('BE', '539007547034')).toBe('BE68539007547034');
    expect(iban('DE', '370400440532013000')).toBe('DE89370400440532013000');
  });

  it('makes IBANs that pass mod 97 and VAT numbers in each national format', () => {
    const prng = new Prng(7);
    for (let i = 0; i < 50; i++) {
      for (const country of ['NL', 'BE', 'DE', 'FR']) {
        const value = demoIban(prng, country);
        expect(value.startsWith(country)).toBe(true);
        expect(mod97(`${value.slice(4)}${value.slice(0, 4)}`)).toBe(1);
      }
      const nl = demoVatNumber(prng, 'NL')!;
      expect(nl).toMatch(/^NL\d{9}B\d{2}$/);
      const d = [...nl.slice(2, 11)].map(Number);
      expect((d.slice(0, 8).reduce((a, x, j) => a + x * (9 - j), 0) - d[8]!) % 11).toBe(0);
      const be = demoVatNumber(prng, 'BE')!;
      expect(be).toMatch(/^BE0\d{9}$/);
      expect(97 - (Number(be.slice(2, 10)) % 97)).toBe(Number(be.slice(10)));
      expect(demoVatNumber(prng, 'DE')).toMatch(/^DE\d{9}$/);
      const fr = demoVatNumber(prng, 'FR')!;
      expect(fr).toMatch(/^FR\d{11}$/);
      expect((12 + 3 * (Number(fr.slice(4)) % 97)) % 97).toBe(Number(fr.slice(2, 4)));
      expect(demoVatNumber(prng, 'GB')).toMatch(/^GB\d{9}$/);
      expect(demoVatNumber(prng, 'CH')).toMatch(/^CHE-\d{3}\.\d{3}\.\d{3} MWST$/);
      expect(demoVatNumber(prng, 'US')).toBeNull();
    }
  });

  it('gives every stock item a valid EAN-13 and no two items the same code or barcode', () => {
    const { seeded } = seededState('2026-03-10T09:00:00.000Z');
    const items = seeded.get(3215711)!.items;
    const barcodes = items.flatMap((i) => (i.barcode ? [i.barcode] : []));
    expect(barcodes.length).toBe(items.filter((i) => i.stock).length);
    for (const code of barcodes) expect(ean13CheckDigit(code.slice(0, 12))).toBe(Number(code[12]));
    expect(new Set(barcodes).size).toBe(barcodes.length);
    expect(new Set(items.map((i) => i.code)).size).toBe(items.length);
  });
});
