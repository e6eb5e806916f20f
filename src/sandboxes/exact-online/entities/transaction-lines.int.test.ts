import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { describe, expect, it } from 'vitest';
import { sumCents, toCents } from '../../../core/money.js';

const api = useDivisionApi();
const { allRows, created, rows: getRows } = api;

// financialtransaction/TransactionLines (reference 7.11): GET only, derived from what was booked.

function total(rows: Row[]): bigint {
  return sumCents(rows.map((r) => toCents(Number(r['AmountDC']))));
}

async function postInvoice(lines: Row[], extra: Row = {}): Promise<Row> {
  const [customer] = await getRows(
    `crm/Accounts?$filter=Status eq 'C' and Blocked eq false&$top=1&$select=ID`,
  );
  return created('salesinvoice/SalesInvoices', {
    Journal: '70',
    OrderedBy: customer?.['ID'],
    SalesInvoiceLines: lines,
    ...extra,
  });
}

/** A premium stock item at the high (21 %) VAT code (a bike): its ID and price in cents. */
async function aBike(): Promise<{ id: unknown; cents: number }> {
  const [bike] = await getRows(
    `logistics/Items?$filter=Class_03 eq 'PREMIUM' and IsStockItem eq true and SalesVatCode eq 'VH' and StandardSalesPrice gt 500&$orderby=Code&$top=1&$select=ID,StandardSalesPrice`,
  );
  expect(bike).toBeDefined();
  const cents = Math.round(Number(bike?.['StandardSalesPrice']) * 100);
  expect(cents).toBeGreaterThan(50000);
  return { id: bike?.['ID'], cents };
}

/** 21 % VAT of an amount in cents, rounded to the cent. */
const vat21 = (cents: number): number => Math.round((cents * 21) / 100);

async function entryOf(invoice: Row): Promise<Row[]> {
  return getRows(
    `financialtransaction/TransactionLines?$filter=InvoiceNumber eq ${String(invoice['InvoiceNumber'])} and JournalCode eq '70'&$orderby=LineNumber`,
  );
}

describe('GET only', () => {
  it('answers POST, PUT and DELETE with 405', async () => {
    const [line] = await getRows(`financialtransaction/TransactionLines?$top=1&$select=ID`);
    const key = `${api.base}/financialtransaction/TransactionLines(guid'${String(line?.['ID'])}')`;
    expect(
      (await api.sandbox.call('POST', `${api.base}/financialtransaction/TransactionLines`, api.token, {}))
        .status,
    ).toBe(405);
    expect((await api.sandbox.call('PUT', key, api.token, { Description: 'x' })).status).toBe(405);
    expect((await api.sandbox.call('DELETE', key, api.token)).status).toBe(405);
  });
});

describe('a sales invoice', () => {
  it('is booked when processed: customer debit, revenue and VAT credits, balancing to zero', async () => {
    const item = await created('logistics/Items', {
      Code: 'CENT',
      Description: 'Dubbeltje',
      SalesVatCode: 'VH',
    });
    const low = await created('logistics/Items', { Code: 'KAART', Description: 'Kaart', SalesVatCode: 'VL' });
    const invoice = await postInvoice(
      [
        { Item: item['ID'], Quantity: 3, UnitPrice: 0.1 },
        { Item: low['ID'], Quantity: 2, UnitPrice: 11.95 },
      ],
      { YourRef: 'PO-77' },
    );
    expect(await entryOf(invoice)).toHaveLength(0);
    const printed = await created('salesinvoice/PrintedSalesInvoices', { InvoiceID: invoice['InvoiceID'] });
    expect(printed['InvoiceID']).toBe(invoice['InvoiceID']);
    const lines = await entryOf(invoice);
    expect(lines.map((l) => [l['LineNumber'], l['GLAccountCode'], l['AmountDC'], l['VATCode']])).toEqual([
      [0, '1300', 26.41, null],
      [1, '8000', -0.3, 'VH'],
      [2, '8010', -23.9, 'VL'],
      [3, '1500', -0.06, 'VH'],
      [4, '1510', -2.15, 'VL'],
    ]);
    expect(total(lines)).toBe(0n);
    for (const line of lines) {
      expect(line).toMatchObject({
        EntryID: lines[0]?.['EntryID'],
        EntryNumber: invoice['InvoiceNumber'],
        InvoiceNumber: invoice['InvoiceNumber'],
        JournalCode: '70',
        Account: invoice['InvoiceTo'],
        YourRef: 'PO-77',
        FinancialYear: 2026,
        FinancialPeriod: 3,
        Type: 20,
        Currency: 'EUR',
        Date: invoice['InvoiceDate'],
      });
      expect(line['AmountFC']).toBe(line['AmountDC']);
    }
    expect(lines[1]).toMatchObject({ Item: item['ID'], Quantity: -3, AmountVATFC: -0.06 });
  });

  it('is booked at POST with salesInvoiceBookOn: create, and a credit note books the other way', async () => {
    api.sandbox.state.settings.salesInvoiceBookOn = 'create';
    const bike = await aBike();
    const gross = bike.cents + vat21(bike.cents);
    const credit = await postInvoice([{ Item: bike.id, Quantity: -1 }], { Type: 8021 });
    expect(credit).toMatchObject({ Status: 20, AmountFC: -gross / 100 });
    const lines = await entryOf(credit);
    expect(lines.map((l) => [l['GLAccountCode'], l['AmountDC'], l['Type']])).toEqual([
      ['1300', -gross / 100, 21],
      ['8000', bike.cents / 100, 21],
      ['1500', vat21(bike.cents) / 100, 21],
    ]);
  });

  it('books an invoice booked at entry again when its lines change, and unbooks it on delete', async () => {
    api.sandbox.state.settings.salesInvoiceBookOn = 'create';
    const bike = await aBike();
    const invoice = await postInvoice([{ Item: bike.id, Quantity: 1 }]);
    const [line] = (invoice['SalesInvoiceLines'] as { results: Row[] }).results;
    const lineKey = `${api.base}/salesinvoice/SalesInvoiceLines(guid'${String(line?.['ID'])}')`;
    expect((await api.sandbox.call('PUT', lineKey, api.token, { Quantity: 2 })).status).toBe(204);
    const lines = await entryOf(invoice);
    const two = 2 * bike.cents;
    expect(lines.map((l) => l['AmountDC'])).toEqual([
      (two + vat21(two)) / 100,
      -two / 100,
      -vat21(two) / 100,
    ]);
    const key = `${api.base}/salesinvoice/SalesInvoices(guid'${String(invoice['InvoiceID'])}')`;
    expect((await api.sandbox.call('DELETE', key, api.token)).status).toBe(204);
    expect(await entryOf(invoice)).toHaveLength(0);
  });

  it('gives the booked lines row versions above every earlier write', async () => {
    const data = api.sandbox.state.division(3215711);
    const table = data?.table('financialtransaction/TransactionLines');
    const before = Math.max(...[...(table?.values() ?? [])].map((r) => r.timestamp));
    const bike = await aBike();
    const invoice = await postInvoice([{ Item: bike.id }]);
    await created('salesinvoice/PrintedSalesInvoices', { InvoiceID: invoice['InvoiceID'] });
    const booked = [...(table?.values() ?? [])].filter(
      (r) => r.row['InvoiceNumber'] === invoice['InvoiceNumber'],
    );
    expect(booked).toHaveLength(3);
    const invoiceVersion = data
      ?.table('salesinvoice/SalesInvoices')
      .get(String(invoice['InvoiceID']))?.timestamp;
    for (const record of booked) {
      expect(record.timestamp).toBeGreaterThan(before);
      expect(record.row['Modified']).toBe(record.row['Created']);
    }
    expect(new Set(booked.map((r) => r.timestamp)).size).toBe(3);
    expect(invoiceVersion).toBeGreaterThan(before);
  });
});

describe('the demo ledger', () => {
  it('balances to zero per entry, has the seeded journals, and pays most processed invoices', async () => {
    // The full demo ledger is thousands of lines: read it as a client would, through the bulk
    // endpoints (1,000 per page), within the minutely rate limit.
    const lines = await allRows(
      `bulk/Financial/TransactionLines?$select=EntryID,AmountDC,JournalCode,Type,InvoiceNumber,Account`,
    );
    const entries = new Map<string, Row[]>();
    for (const line of lines)
      entries.set(String(line['EntryID']), [...(entries.get(String(line['EntryID'])) ?? []), line]);
    expect(entries.size).toBeGreaterThan(50);
    for (const entryLines of entries.values()) expect(total(entryLines)).toBe(0n);
    expect(new Set(lines.map((l) => l['JournalCode']))).toEqual(new Set(['20', '70', '90']));
    const payments = lines.filter((l) => l['JournalCode'] === '20' && Number(l['AmountDC']) < 0);
    expect(payments.length).toBeGreaterThan(10);
    expect(payments.every((p) => p['Type'] === 40 && typeof p['InvoiceNumber'] === 'number')).toBe(true);
    // Every processed invoice is booked in the sales journal; drafts and open ones are not.
    const invoices = await allRows(`bulk/SalesInvoice/SalesInvoices?$select=InvoiceNumber,Status`);
    const booked = new Set(lines.filter((l) => l['JournalCode'] === '70').map((l) => l['InvoiceNumber']));
    for (const invoice of invoices)
      expect(booked.has(invoice['InvoiceNumber'])).toBe(invoice['Status'] === 50);
  });
});
