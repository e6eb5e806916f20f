import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { beforeEach, describe, expect, it } from 'vitest';

const api = useDivisionApi();
const { created, errorOf, post, rows: getRows } = api;

// Conformance of salesinvoice/SalesInvoices against reference 7.10 and appendices A/B.

async function idOf(path: string): Promise<string> {
  const [row] = await getRows(path);
  return String(row?.['ID']);
}

let customer: string;
let bike: string;
let bikeCode: string;
/** The bike's price in cents, and what two of them cost excl. VAT and in 21 % VAT (cents). */
let priceCents: number;
let twoCents: number;
let twoVatCents: number;

beforeEach(async () => {
  customer = await idOf(`crm/Accounts?$filter=Status eq 'C' and Blocked eq false&$top=1&$select=ID`);
  // A premium stock item at the high (21 %) VAT code (a bike), whatever the demo range holds.
  const [item] = await getRows(
    `logistics/Items?$filter=Class_03 eq 'PREMIUM' and IsStockItem eq true and SalesVatCode eq 'VH' and StandardSalesPrice gt 500&$orderby=Code&$top=1&$select=ID,Code,StandardSalesPrice`,
  );
  expect(item).toBeDefined();
  bike = String(item?.['ID']);
  bikeCode = String(item?.['Code']);
  priceCents = Math.round(Number(item?.['StandardSalesPrice']) * 100);
  expect(priceCents).toBeGreaterThan(50000);
  twoCents = 2 * priceCents;
  twoVatCents = Math.round((twoCents * 21) / 100);
});

const euro = (cents: number): number => cents / 100;

function invoice(lines: Row[] = [{ Item: bike, Quantity: 2 }], extra: Row = {}): Row {
  return { Journal: '70', OrderedBy: customer, SalesInvoiceLines: lines, ...extra };
}

describe('POST with embedded lines', () => {
  it('creates an open invoice with lines, amounts and the next number of the sales journal', async () => {
    const seeded = await getRows(
      `salesinvoice/SalesInvoices?$filter=Journal eq '70' and InvoiceNumber ge 26700000&$orderby=InvoiceNumber desc&$top=1&$select=InvoiceNumber`,
    );
    const highest = Number(seeded[0]?.['InvoiceNumber'] ?? 26700000);
    const row = await created('salesinvoice/SalesInvoices', invoice());
    expect(row).toMatchObject({
      Journal: '70',
      JournalDescription: 'Verkoopboek',
      OrderedBy: customer,
      InvoiceTo: customer,
      DeliverTo: customer,
      Status: 20,
      Type: 8020,
      Currency: 'EUR',
      InvoiceNumber: highest + 1,
      AmountFCExclVat: euro(twoCents),
      VATAmountFC: euro(twoVatCents),
      AmountFC: euro(twoCents + twoVatCents),
      AmountDC: euro(twoCents + twoVatCents),
    });
    // InvoiceDate is the entry date (clock 2026-03-10 10:00 Amsterdam), DueDate 30 days later.
    expect(row['InvoiceDate']).toBe(`/Date(${Date.UTC(2026, 2, 10)})/`);
    expect(row['DueDate']).toBe(`/Date(${Date.UTC(2026, 3, 9)})/`);
    const lines = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      InvoiceID: row['InvoiceID'],
      LineNumber: 1,
      Item: bike,
      ItemCode: bikeCode,
      Quantity: 2,
      UnitPrice: euro(priceCents),
      NetPrice: euro(priceCents),
      AmountFC: euro(twoCents),
      VATCode: 'VH',
      VATPercentage: 0.21,
      VATAmountFC: euro(twoVatCents),
    });
    const second = await created('salesinvoice/SalesInvoices', invoice());
    expect(second['InvoiceNumber']).toBe(highest + 2);
  });

  it('computes amounts exactly: 3 × 0.10 at 21 % and 0.10 + 0.20', async () => {
    const item = await created('logistics/Items', {
      Code: 'CENT',
      Description: 'Dubbeltje',
      SalesVatCode: 'VH',
    });
    const row = await created(
      'salesinvoice/SalesInvoices',
      invoice([
        { Item: item['ID'], Quantity: 3, UnitPrice: 0.1 },
        { Item: item['ID'], Quantity: 1, UnitPrice: 0.1 },
        { Item: item['ID'], Quantity: 1, UnitPrice: 0.2 },
      ]),
    );
    const lines = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    expect(lines.map((l) => [l['AmountFC'], l['VATAmountFC']])).toEqual([
      [0.3, 0.06],
      [0.1, 0.02],
      [0.2, 0.04],
    ]);
    expect(row).toMatchObject({ AmountFCExclVat: 0.6, VATAmountFC: 0.12, AmountFC: 0.72 });
  });

  it('applies a line discount (fraction) to the net price', async () => {
    const row = await created(
      'salesinvoice/SalesInvoices',
      invoice([{ Item: bike, Quantity: 1, UnitPrice: 100, Discount: 0.15 }]),
    );
    const [line] = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    expect(line).toMatchObject({ NetPrice: 85, AmountFC: 85, VATAmountFC: 17.85 });
  });

  it('gives a header discount to every line that names none (headerDiscountOnLines), so the totals stay the sum of the lines', async () => {
    const lines = [
      { Item: bike, Quantity: 2, UnitPrice: 100 },
      { Item: bike, Quantity: 1, UnitPrice: 50, Discount: 0.5 },
    ];
    const row = await created('salesinvoice/SalesInvoices', invoice(lines, { Discount: 0.1 }));
    const [first, second] = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    expect(first).toMatchObject({ Discount: 0.1, NetPrice: 90, AmountFC: 180, VATAmountFC: 37.8 });
    expect(second).toMatchObject({ Discount: 0.5, NetPrice: 25, AmountFC: 25 });
    expect(row).toMatchObject({ Discount: 0.1, AmountFCExclVat: 205, VATAmountFC: 43.05, AmountFC: 248.05 });

    api.sandbox.state.settings.headerDiscountOnLines = false;
    const off = await created('salesinvoice/SalesInvoices', invoice(lines.slice(0, 1), { Discount: 0.1 }));
    expect(off).toMatchObject({ Discount: 0.1, AmountFCExclVat: 200 });
  });

  it('defaults the line GL account to the revenue account of its VAT code', async () => {
    const row = await created('salesinvoice/SalesInvoices', invoice());
    const [line] = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    const revenueHigh = await idOf(`financial/GLAccounts?$filter=Code eq '8000'&$select=ID`);
    expect(line?.['GLAccount']).toBe(revenueHigh);
  });
});

describe('reading', () => {
  it('expands SalesInvoiceLines on request and defers them otherwise', async () => {
    const id = String((await created('salesinvoice/SalesInvoices', invoice()))['InvoiceID']);
    const key = `salesinvoice/SalesInvoices(guid'${id}')`;
    const plain = (await (await api.sandbox.call('GET', `${api.base}/${key}`, api.token)).json()) as {
      d: Row;
    };
    expect(plain.d['SalesInvoiceLines']).toEqual({
      __deferred: { uri: `${api.sandbox.url}${api.base}/${key}/SalesInvoiceLines` },
    });
    const expanded = (await (
      await api.sandbox.call('GET', `${api.base}/${key}?$expand=SalesInvoiceLines`, api.token)
    ).json()) as { d: { SalesInvoiceLines: { results: Row[] } } };
    expect(expanded.d.SalesInvoiceLines.results).toHaveLength(1);
    expect(expanded.d.SalesInvoiceLines.results[0]?.['__metadata']).toMatchObject({
      type: 'Exact.Web.Api.Models.SalesInvoiceLine',
    });
  });

  it('has demo invoices in every status, spread over the past year', async () => {
    for (const status of [10, 20, 50]) {
      const rows = await getRows(`salesinvoice/SalesInvoices?$filter=Status eq ${status}&$select=InvoiceID`);
      expect(rows.length).toBeGreaterThan(0);
    }
    const oldest = await getRows(
      `salesinvoice/SalesInvoices?$orderby=InvoiceDate&$top=1&$select=InvoiceDate`,
    );
    const ms = Number(/\d+/.exec(String(oldest[0]?.['InvoiceDate']))?.[0]);
    expect(ms).toBeLessThan(Date.UTC(2025, 8, 1));
    expect(ms).toBeGreaterThanOrEqual(Date.UTC(2025, 2, 10));
  });
});

describe('business rules', () => {
  it('answers missing mandatory fields with 500 Verplicht', async () => {
    const cases: Array<[Row, string]> = [
      [{ OrderedBy: customer, SalesInvoiceLines: [{ Item: bike }] }, 'Verplicht: Journal'],
      [{ Journal: '70', SalesInvoiceLines: [{ Item: bike }] }, 'Verplicht: OrderedBy'],
      [{ Journal: '70', OrderedBy: customer }, 'Verplicht: SalesInvoiceLines'],
      [invoice([{ Quantity: 1 }]), 'Verplicht: Item'],
    ];
    for (const [body, message] of cases) {
      expect(await errorOf(await post('salesinvoice/SalesInvoices', body))).toEqual([500, message]);
    }
  });

  it('checks references to accounts, items, VAT codes, GL accounts and the journal', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555';
    const cases: Array<[Row, string]> = [
      [invoice(undefined, { Journal: '77' }), 'Bestaat niet: Journal'],
      [invoice(undefined, { Journal: '90' }), 'Ongeldig dagboek: 90'],
      [invoice(undefined, { OrderedBy: unknown }), 'Bestaat niet: OrderedBy'],
      [invoice(undefined, { InvoiceTo: unknown }), 'Bestaat niet: InvoiceTo'],
      [invoice([{ Item: unknown }]), 'Bestaat niet: Item'],
      [invoice([{ Item: bike, VATCode: 'VX' }]), 'Bestaat niet: VATCode'],
      [invoice([{ Item: bike, GLAccount: unknown }]), 'Bestaat niet: GLAccount'],
    ];
    for (const [body, message] of cases) {
      expect(await errorOf(await post('salesinvoice/SalesInvoices', body))).toEqual([500, message]);
    }
    api.sandbox.state.settings.language = 'en';
    expect(
      await errorOf(await post('salesinvoice/SalesInvoices', invoice(undefined, { Journal: '90' }))),
    ).toEqual([500, 'Invalid journal: 90']);
  });

  it('requires a Warehouse on direct invoices (8023)', async () => {
    expect(
      await errorOf(await post('salesinvoice/SalesInvoices', invoice(undefined, { Type: 8023 }))),
    ).toEqual([500, 'Verplicht: Warehouse']);
  });

  it('updates an open invoice partially and refuses changes once processed', async () => {
    const id = String((await created('salesinvoice/SalesInvoices', invoice()))['InvoiceID']);
    const key = `${api.base}/salesinvoice/SalesInvoices(guid'${id}')`;
    const put = await api.sandbox.call('PUT', key, api.token, { Description: 'Nieuwe omschrijving' });
    expect(put.status).toBe(204);
    const printed = await post('salesinvoice/PrintedSalesInvoices', { InvoiceID: id });
    expect(printed.status).toBe(201);
    const after = ((await (await api.sandbox.call('GET', key, api.token)).json()) as { d: Row }).d;
    expect(after).toMatchObject({ Description: 'Nieuwe omschrijving', Status: 50 });
    expect(await errorOf(await api.sandbox.call('PUT', key, api.token, { Description: 'x' }))).toEqual([
      500,
      'De factuur is verwerkt en kan niet meer gewijzigd worden.',
    ]);
    expect(await errorOf(await post('salesinvoice/PrintedSalesInvoices', { InvoiceID: id }))).toEqual([
      500,
      'De factuur is verwerkt en kan niet meer gewijzigd worden.',
    ]);
  });

  it('serves PrintedSalesInvoices as POST only and checks the invoice', async () => {
    expect(
      (await api.sandbox.call('GET', `${api.base}/salesinvoice/PrintedSalesInvoices`, api.token)).status,
    ).toBe(405);
    expect(
      await errorOf(
        await post('salesinvoice/PrintedSalesInvoices', {
          InvoiceID: '11111111-2222-4333-8444-555555555555',
        }),
      ),
    ).toEqual([500, 'Bestaat niet: InvoiceID']);
  });

  it('numbers at printing when so configured', async () => {
    api.sandbox.state.settings.salesInvoiceNumberAt = 'print';
    const row = await created('salesinvoice/SalesInvoices', invoice());
    expect(row['InvoiceNumber']).toBeNull();
    await post('salesinvoice/PrintedSalesInvoices', { InvoiceID: row['InvoiceID'] });
    const key = `${api.base}/salesinvoice/SalesInvoices(guid'${String(row['InvoiceID'])}')`;
    const after = ((await (await api.sandbox.call('GET', key, api.token)).json()) as { d: Row }).d;
    expect(String(after['InvoiceNumber'])).toMatch(/^2670\d{4}$/);
  });

  it('deletes an invoice and logs it for sync/Deleted as EntityType 13', async () => {
    const id = String((await created('salesinvoice/SalesInvoices', invoice()))['InvoiceID']);
    const res = await api.sandbox.call(
      'DELETE',
      `${api.base}/salesinvoice/SalesInvoices(guid'${id}')`,
      api.token,
    );
    expect(res.status).toBe(204);
    const log = api.sandbox.state.division(3215711)?.deleted ?? [];
    expect(log.at(-1)).toMatchObject({ entityKey: id, entityType: 13 });
  });
});

describe('salesinvoice/SalesInvoiceLines', () => {
  it('lists the lines of an invoice and adds, changes and removes lines with the totals following', async () => {
    const row = await created('salesinvoice/SalesInvoices', invoice());
    const id = String(row['InvoiceID']);
    const key = `${api.base}/salesinvoice/SalesInvoices(guid'${id}')`;
    const linesOf = () =>
      getRows(`salesinvoice/SalesInvoiceLines?$filter=InvoiceID eq guid'${id}'&$orderby=LineNumber`);
    expect((await linesOf()).map((l) => l['AmountFC'])).toEqual([euro(twoCents)]);
    const gl = await idOf(`financial/GLAccounts?$filter=Code eq '8000'&$select=ID`);
    const added = await created('salesinvoice/SalesInvoiceLines', {
      InvoiceID: id,
      Item: bike,
      GLAccount: gl,
      Quantity: 1,
      UnitPrice: 0.1,
    });
    expect(added).toMatchObject({ LineNumber: 2, AmountFC: 0.1, VATAmountFC: 0.02 });
    const header = async () =>
      ((await (await api.sandbox.call('GET', key, api.token)).json()) as { d: Row }).d;
    // 0.10 at 21 % is 0.021: 0.02 VAT on the line.
    expect(await header()).toMatchObject({
      AmountFCExclVat: euro(twoCents + 10),
      VATAmountFC: euro(twoVatCents + 2),
      AmountFC: euro(twoCents + 10 + twoVatCents + 2),
    });
    const lineKey = `${api.base}/salesinvoice/SalesInvoiceLines(guid'${String(added['ID'])}')`;
    expect((await api.sandbox.call('PUT', lineKey, api.token, { Quantity: 3 })).status).toBe(204);
    // 3 × 0.10 = 0.30 at 21 % is 0.063: 0.06 VAT.
    expect(await header()).toMatchObject({
      AmountFCExclVat: euro(twoCents + 30),
      VATAmountFC: euro(twoVatCents + 6),
      AmountFC: euro(twoCents + 30 + twoVatCents + 6),
    });
    const [first] = await linesOf();
    const firstKey = `${api.base}/salesinvoice/SalesInvoiceLines(guid'${String(first?.['ID'])}')`;
    expect((await api.sandbox.call('DELETE', firstKey, api.token)).status).toBe(204);
    expect((await linesOf()).map((l) => [l['LineNumber'], l['AmountFC']])).toEqual([[1, 0.3]]);
    expect(await header()).toMatchObject({ AmountFCExclVat: 0.3, VATAmountFC: 0.06, AmountFC: 0.36 });
    const expanded = (await (
      await api.sandbox.call('GET', `${key}?$expand=SalesInvoiceLines`, api.token)
    ).json()) as {
      d: { SalesInvoiceLines: { results: Row[] } };
    };
    expect(expanded.d.SalesInvoiceLines.results.map((l) => l['ID'])).toEqual([added['ID']]);
  });

  it('needs InvoiceID, Item and GLAccount on a line posted alone, and refuses lines of processed invoices', async () => {
    const row = await created('salesinvoice/SalesInvoices', invoice());
    const gl = await idOf(`financial/GLAccounts?$filter=Code eq '8000'&$select=ID`);
    expect(
      await errorOf(await post('salesinvoice/SalesInvoiceLines', { Item: bike, GLAccount: gl })),
    ).toEqual([500, 'Verplicht: InvoiceID']);
    expect(
      await errorOf(
        await post('salesinvoice/SalesInvoiceLines', { InvoiceID: row['InvoiceID'], Item: bike }),
      ),
    ).toEqual([500, 'Verplicht: GLAccount']);
    await post('salesinvoice/PrintedSalesInvoices', { InvoiceID: row['InvoiceID'] });
    const processed = 'De factuur is verwerkt en kan niet meer gewijzigd worden.';
    expect(
      await errorOf(
        await post('salesinvoice/SalesInvoiceLines', {
          InvoiceID: row['InvoiceID'],
          Item: bike,
          GLAccount: gl,
        }),
      ),
    ).toEqual([500, processed]);
    const [line] = await getRows(
      `salesinvoice/SalesInvoiceLines?$filter=InvoiceID eq guid'${String(row['InvoiceID'])}'`,
    );
    const lineKey = `${api.base}/salesinvoice/SalesInvoiceLines(guid'${String(line?.['ID'])}')`;
    expect(await errorOf(await api.sandbox.call('PUT', lineKey, api.token, { Quantity: 5 }))).toEqual([
      500,
      processed,
    ]);
    expect(await errorOf(await api.sandbox.call('DELETE', lineKey, api.token))).toEqual([500, processed]);
    const invoiceKey = `${api.base}/salesinvoice/SalesInvoices(guid'${String(row['InvoiceID'])}')`;
    expect(await errorOf(await api.sandbox.call('DELETE', invoiceKey, api.token))).toEqual([500, processed]);
  });
});

describe('an invoice in another currency', () => {
  // 19.99 at 0.925926 is 18.509261…: 18.51; its 21% VAT 4.20 (4.1979) converts to 3.89 (3.8889…),
  // while 21% of 18.51 is 3.8871: 3.89 too. 3 × 7.77 = 23.31 converts to 21.58 (21.5833…), its 9%
  // VAT 2.10 (2.0979) to 1.94 (1.9444…), and 9% of 21.58 is 1.9422: 1.94.
  const dollarLines = (item: string) => [
    { Item: item, Quantity: 1, UnitPrice: 19.99, VATCode: 'VH' },
    { Item: item, Quantity: 3, UnitPrice: 7.77, VATCode: 'VL' },
  ];

  it("books each line's amount and VAT at the rate of its Currency, per line, and the header as their sums", async () => {
    const row = await created('salesinvoice/SalesInvoices', invoice(dollarLines(bike), { Currency: 'USD' }));
    const lines = (row['SalesInvoiceLines'] as { results: Row[] }).results;
    expect(lines.map((l) => [l['AmountFC'], l['AmountDC'], l['VATAmountFC'], l['VATAmountDC']])).toEqual([
      [19.99, 18.51, 4.2, 3.89],
      [23.31, 21.58, 2.1, 1.94],
    ]);
    expect(row).toMatchObject({
      Currency: 'USD',
      AmountFCExclVat: 43.3,
      VATAmountFC: 6.3,
      AmountFC: 49.6,
      VATAmountDC: 5.83,
      AmountDC: 45.92,
    });
  });

  it('converts the VAT or recomputes it on the euro amount as foreignVatDC says, and books a euro invoice at 1', async () => {
    api.sandbox.state.settings.exchangeRates = { USD: 0.5 };
    // 0.70 at 0.5 is 0.35. Its 21% VAT is 0.147: 0.15, which converted is 0.075: 0.08; 21% of the
    // euro amount 0.35 is 0.0735: 0.07.
    const dollars = invoice([{ Item: bike, Quantity: 1, UnitPrice: 0.7, VATCode: 'VH' }], {
      Currency: 'USD',
    });
    const dcOf = async () => {
      const [line] = (
        (await created('salesinvoice/SalesInvoices', dollars))['SalesInvoiceLines'] as {
          results: Row[];
        }
      ).results;
      return [line?.['AmountDC'], line?.['VATAmountDC']];
    };
    expect(await dcOf()).toEqual([0.35, 0.08]);
    api.sandbox.state.settings.foreignVatDC = 'recompute';
    expect(await dcOf()).toEqual([0.35, 0.07]);
    const euros = await created('salesinvoice/SalesInvoices', invoice(dollarLines(bike)));
    expect(euros['AmountDC']).toBe(euros['AmountFC']);
  });
});
