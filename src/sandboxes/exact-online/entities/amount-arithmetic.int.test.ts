import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { beforeEach, describe, expect, it } from 'vitest';

const api = useDivisionApi();
const { created, rows: getRows } = api;

// Every amount the sandbox computes: quantity × unit price × (1 − discount), exact, rounded once to
// the cent, half away from zero (setting amountRounding; the reference is silent on Exact's rule).
// 7 × 12.345 at 15 % is 73.45275 → 73.45; rounding the net price first (10.49) would give 73.43.

let customer: string;
let item: string;
const gl: Record<string, string> = {};

beforeEach(async () => {
  const [account] = await getRows(
    `crm/Accounts?$filter=Status eq 'C' and Blocked eq false&$top=1&$select=ID`,
  );
  customer = String(account?.['ID']);
  const created21 = await created('logistics/Items', {
    Code: 'ROUND',
    Description: 'Afronding',
    SalesVatCode: 'VH',
  });
  item = String(created21['ID']);
  for (const row of await getRows(`financial/GLAccounts?$select=ID,Code`))
    gl[String(row['Code'])] = String(row['ID']);
});

/** Lines whose net price has more than two decimals, where rounding it first gets cents wrong. */
function awkwardLines(): Row[] {
  return [
    { Item: item, Quantity: 7, UnitPrice: 12.345, Discount: 0.15 },
    { Item: item, Quantity: 3, UnitPrice: 19.99, Discount: 0.15 },
    { Item: item, Quantity: 11, UnitPrice: 0.995, Discount: 0.1 },
    { Item: item, Quantity: -2, UnitPrice: 12.345, Discount: 0.15 },
  ];
}
// 7 × 12.345 × 0.85 = 73.45275 → 73.45 (net price first: 73.43); VAT 15.4245 → 15.42
// 3 × 19.99 × 0.85 = 50.9745 → 50.97; VAT 10.7037 → 10.70
// 11 × 0.995 × 0.9 = 9.8505 → 9.85 (net price first: 0.90 × 11 = 9.90); VAT 2.0685 → 2.07
// −2 × 12.345 × 0.85 = −20.9865 → −20.99 (half away from zero); VAT −4.4079 → −4.41
const amounts = [73.45, 50.97, 9.85, -20.99];
const vats = [15.42, 10.7, 2.07, -4.41];
const net = 113.28;
const vat = 23.78;

const resultsOf = (row: Row, field: string): Row[] => (row[field] as { results: Row[] }).results;

describe('sales invoices', () => {
  it('rounds each line amount once, VAT per line on it, and totals the cents', async () => {
    const row = await created('salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer,
      SalesInvoiceLines: awkwardLines(),
    });
    const lines = resultsOf(row, 'SalesInvoiceLines');
    expect(lines.map((l) => l['AmountFC'])).toEqual(amounts);
    expect(lines.map((l) => l['AmountDC'])).toEqual(amounts);
    expect(lines.map((l) => l['VATAmountFC'])).toEqual(vats);
    expect(lines.map((l) => l['VATAmountDC'])).toEqual(vats);
    // The net price is not rounded to the cent on the way.
    expect(lines[0]?.['NetPrice']).toBe(10.49325);
    expect(row).toMatchObject({
      AmountFCExclVat: net,
      VATAmountFC: vat,
      VATAmountDC: vat,
      AmountFC: 137.06,
      AmountDC: 137.06,
    });
  });

  it('recomputes a line changed by PUT the same way', async () => {
    const row = await created('salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer,
      SalesInvoiceLines: [{ Item: item, Quantity: 1, UnitPrice: 10 }],
    });
    const [line] = resultsOf(row, 'SalesInvoiceLines');
    const res = await api.sandbox.call(
      'PUT',
      `${api.base}/salesinvoice/SalesInvoiceLines(guid'${String(line?.['ID'])}')`,
      api.token,
      { Quantity: 7, UnitPrice: 12.345, Discount: 0.15 },
    );
    expect(res.status).toBe(204);
    const [changed] = await getRows(
      `salesinvoice/SalesInvoiceLines?$filter=ID eq guid'${String(line?.['ID'])}'&$select=AmountFC,VATAmountFC`,
    );
    expect(changed).toMatchObject({ AmountFC: 73.45, VATAmountFC: 15.42 });
    const [header] = await getRows(
      `salesinvoice/SalesInvoices?$filter=InvoiceID eq guid'${String(row['InvoiceID'])}'&$select=AmountFCExclVat,VATAmountFC,AmountFC`,
    );
    expect(header).toMatchObject({ AmountFCExclVat: 73.45, VATAmountFC: 15.42, AmountFC: 88.87 });
  });

  it('takes a posted net price as it is: quantity × net price, rounded once', async () => {
    const row = await created('salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer,
      SalesInvoiceLines: [{ Item: item, Quantity: 3, UnitPrice: 20, NetPrice: 16.665 }],
    });
    expect(resultsOf(row, 'SalesInvoiceLines')[0]).toMatchObject({ NetPrice: 16.665, AmountFC: 50 });
  });

  it('rounds half to even when amountRounding says so', async () => {
    api.sandbox.state.settings.amountRounding = 'half-even';
    const row = await created('salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer,
      // 1 × 0.125 → 0.12 (half away from zero: 0.13)
      SalesInvoiceLines: [{ Item: item, Quantity: 1, UnitPrice: 0.125 }],
    });
    expect(resultsOf(row, 'SalesInvoiceLines')[0]).toMatchObject({ AmountFC: 0.12, VATAmountFC: 0.03 });
  });
});

describe('sales orders', () => {
  it('rounds each line amount once, VAT per line on it, and totals the cents', async () => {
    const row = await created('salesorder/SalesOrders', {
      OrderedBy: customer,
      SalesOrderLines: awkwardLines(),
    });
    const lines = resultsOf(row, 'SalesOrderLines');
    expect(lines.map((l) => l['AmountFC'])).toEqual(amounts);
    expect(lines.map((l) => l['AmountDC'])).toEqual(amounts);
    expect(lines.map((l) => l['VATAmount'])).toEqual(vats);
    expect(row).toMatchObject({ AmountFCExclVat: net, AmountFC: 137.06, AmountDC: 137.06 });
  });
});

describe('journal entries', () => {
  it('rounds a posted amount and its generated VAT once to the cent', async () => {
    await created('financial/Journals', {
      Code: '91',
      Description: 'Memoriaal btw',
      Type: 90,
      AllowVAT: true,
    });
    // −10.005 → −10.01 (half away from zero); VAT 21 % of −10.01 = −2.1021 → −2.10
    const row = await created('generaljournalentry/GeneralJournalEntries', {
      JournalCode: '91',
      GeneralJournalEntryLines: [
        { GLAccount: gl['8000'], AmountFC: -10.005, VATCode: 'VH' },
        { GLAccount: gl['1300'], AmountFC: 12.11 },
      ],
    });
    const [revenue] = resultsOf(row, 'GeneralJournalEntryLines');
    expect(revenue).toMatchObject({
      AmountFC: -10.01,
      AmountDC: -10.01,
      AmountVATFC: -2.1,
      AmountVATDC: -2.1,
    });
    const lines = await getRows(
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${String(row['EntryID'])}'&$orderby=LineNumber&$select=GLAccountCode,AmountDC`,
    );
    expect(lines.map((l) => [l['GLAccountCode'], l['AmountDC']])).toEqual([
      ['8000', -10.01],
      ['1300', 12.11],
      ['1500', -2.1],
    ]);
  });
});
