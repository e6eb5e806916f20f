import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';
import { byRef, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const accounts = {
  german: '0e000000-0000-4000-8000-000000000001',
  french: '0e000000-0000-4000-8000-000000000002',
  dutch: '0e000000-0000-4000-8000-000000000003',
};
const invoices = {
  german: '0e100000-0000-4000-8000-000000000001',
  french: '0e100000-0000-4000-8000-000000000002',
  dollars: '0e100000-0000-4000-8000-000000000003',
  frenchLater: '0e100000-0000-4000-8000-000000000004',
  dollarsRefused: '0e100000-0000-4000-8000-000000000005',
  euros: '0e100000-0000-4000-8000-000000000006',
  discounted: '0e100000-0000-4000-8000-000000000007',
  halfEven: '0e100000-0000-4000-8000-000000000008',
};

const consumer = (id: string, name: string, country: string, city: string) => ({
  ID: id,
  Name: name,
  Email: `${name.split(' ')[0]!.toLowerCase()}@example.${country.toLowerCase()}`,
  AddressLine1: 'Hauptstrasse 1',
  Postcode: '10115',
  City: city,
  Country: country,
  Status: 'C',
});

/** Consumers in Germany, France and the Netherlands (no VAT number), and the first demo item. */
async function addCustomers(pair: Pair): Promise<{ item: any }> {
  const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code', $top: '1' });
  await pair.addExact({
    'crm/Accounts': [
      consumer(accounts.german, 'Greta Schmidt', 'DE', 'Berlin'),
      consumer(accounts.french, 'Julie Martin', 'FR', 'Lyon'),
      consumer(accounts.dutch, 'Sanne Bakker', 'NL', 'Utrecht'),
    ],
  });
  return { item };
}

/** Exact's own totals of its invoices: what each customer was billed, in euro (DC) and in its currency. */
async function exactTotals(pair: Pair): Promise<(id: string) => any> {
  const rows = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
    $select: 'InvoiceID,Currency,AmountFC,AmountDC,VATAmountFC,VATAmountDC',
  });
  return (id) => rows.find((r) => r.InvoiceID === id);
}

/** The receivable Asperion books is what Exact billed, to the cent: total, VAT and net. */
function expectBilledAsInExact(booked: any, exact: any): void {
  expect(booked.amountInclVat).toBe(exact.AmountDC);
  expect(booked.vatAmount).toBe(exact.VATAmountDC);
}

async function recordError(pair: Pair, sourceId: string) {
  return pair.fx.h.store.db
    .selectFrom('records')
    .select(['error_code', 'error_kind', 'error_message'])
    .where('source_id', '=', sourceId)
    .executeTakeFirstOrThrow();
}

describe.each(testDialects)('orders flow, amounts as Exact billed them (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('books OSS VAT on the destination code or the OSS account, never drops it, and converts dollars to euro', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { item } = await addCustomers(pair);
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        // German VAT at both rates: Asperion has OSS codes for Germany.
        salesInvoice(invoices.german, accounts.german, [
          { Item: item.ID, Quantity: 3, UnitPrice: 33.33, VATCode: 'ODH' },
          { Item: item.ID, Quantity: 1, UnitPrice: 9.99, VATCode: 'ODL' },
        ]),
        // French VAT: Asperion has no French code, and no OSS account is set yet.
        salesInvoice(invoices.french, accounts.french, [
          { Item: item.ID, Quantity: 1, UnitPrice: 49.95, VATCode: 'OFH' },
        ]),
        salesInvoice(
          invoices.dollars,
          accounts.dutch,
          [
            { Item: item.ID, Quantity: 1, UnitPrice: 120, VATCode: 'VH' },
            { Item: item.ID, Quantity: 2, UnitPrice: 7.77, VATCode: 'VL' },
          ],
          { Currency: 'USD' },
        ),
      ],
    });
    const run = await pair.run();
    expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({
      read: 3,
      created: 2,
      deadLettered: 1,
    });
    const exact = await exactTotals(pair);
    const booked = await pair.invoices();

    const german = byRef(booked, invoices.german);
    expect(lines(german).map((l: any) => l.vatCode)).toEqual(['OSS-DE-H', 'OSS-DE-L']);
    expect(exact(invoices.german).VATAmountDC).toBeGreaterThan(0);
    expectBilledAsInExact(german, exact(invoices.german));

    // No code and no account: the order fails with the country, the rate and what to do.
    const french = await recordError(pair, invoices.french);
    expect(french.error_kind).toBe('invalid');
    expect(french.error_code).toBe('orders.oss_vat_code_missing');
    expect(french.error_message).toContain(
      'line 1: Exact charged 20% VAT to an EU consumer in FR (One-Stop-Shop) and Asperion has no sales VAT code for FR at 20%',
    );
    expect(french.error_message).toContain('set settings.oss.vatPayableAccountId');
    expect(byRef(booked, invoices.french)).toBeUndefined();

    // Dollars: Exact's euro amounts go, with what the customer was billed in the description (its
    // only text here: the line-level feed carries no document description without a header row).
    const dollars = exact(invoices.dollars);
    expect(dollars.Currency).toBe('USD');
    expect(dollars.AmountDC).not.toBe(dollars.AmountFC);
    const inEuro = byRef(booked, invoices.dollars);
    expectBilledAsInExact(inEuro, dollars);
    expect(inEuro.description).toContain(
      `(USD ${dollars.AmountFC.toFixed(2)} = EUR ${dollars.AmountDC.toFixed(2)} incl. VAT)`,
    );

    // With the OSS VAT account set, French VAT is a line of its own on it, so the total is Exact's.
    await pair.setSettings({ oss: { vatPayableAccountId: 1530 } });
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoices.frenchLater, accounts.french, [
          { Item: item.ID, Quantity: 2, UnitPrice: 49.95, VATCode: 'OFH' },
          { Item: item.ID, Quantity: 1, UnitPrice: 12.49, VATCode: 'OFL' },
        ]),
      ],
    });
    expect((await pair.run()).counts).toMatchObject({ read: 1, created: 1, deadLettered: 0 });
    const exactLater = (await exactTotals(pair))(invoices.frenchLater);
    const frenchLater = byRef(await pair.invoices(), invoices.frenchLater);
    expect(frenchLater.amountInclVat).toBe(exactLater.AmountDC);
    expect(lines(frenchLater)).toEqual([
      expect.objectContaining({ amount: 99.9, vatCode: 'N0', vatAmount: 0 }),
      expect.objectContaining({ amount: 12.49, vatCode: 'N0', vatAmount: 0 }),
      // 20% of 99.90 and 5.5% of 12.49 (0.69), each on a line on the OSS VAT account.
      expect.objectContaining({ amount: 19.98, ledgerAccountId: 1530, vatCode: 'N0', vatAmount: 0 }),
      expect.objectContaining({ amount: 0.69, ledgerAccountId: 1530, vatCode: 'N0', vatAmount: 0 }),
    ]);
  });

  it('refuses a document in another currency when told to, and sends the next euro one', async () => {
    pair = await startPair(dialect, { settings: { foreignCurrency: 'refuse' } });
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { item } = await addCustomers(pair);
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(
          invoices.dollarsRefused,
          accounts.dutch,
          [{ Item: item.ID, UnitPrice: 50, VATCode: 'VH' }],
          {
            Currency: 'USD',
          },
        ),
        salesInvoice(invoices.euros, accounts.dutch, [{ Item: item.ID, UnitPrice: 50, VATCode: 'VH' }]),
      ],
    });
    expect((await pair.run()).counts).toMatchObject({ read: 2, created: 1, deadLettered: 1 });
    const refused = await recordError(pair, invoices.dollarsRefused);
    expect(refused).toMatchObject({ error_code: 'orders.foreign_currency', error_kind: 'invalid' });
    expect(refused.error_message).toMatch(
      /^Exact sales invoice \d+ \(InvoiceID 0e100000-0000-4000-8000-000000000005\) is in USD, and this flow books only euro documents \(settings\.foreignCurrency is refuse\): book it by hand in Asperion, or set foreignCurrency to convert/,
    );
    // Refused and not sent; the euro invoice after it went as Exact billed it.
    const booked = await pair.invoices();
    expect(byRef(booked, invoices.dollarsRefused)).toBeUndefined();
    expectBilledAsInExact(byRef(booked, invoices.euros), (await exactTotals(pair))(invoices.euros));
  });

  it('books OSS VAT in a journal entry on the destination code or the OSS account, the receivable as Exact billed it', async () => {
    pair = await startPair(dialect, {
      settings: { orderType: 'journalEntry', oss: { vatPayableAccountId: 1530 } },
    });
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { item } = await addCustomers(pair);
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoices.german, accounts.german, [
          { Item: item.ID, Quantity: 3, UnitPrice: 33.33, VATCode: 'ODH' },
        ]),
        salesInvoice(invoices.french, accounts.french, [
          { Item: item.ID, Quantity: 1, UnitPrice: 49.95, VATCode: 'OFH' },
        ]),
      ],
    });
    expect((await pair.run()).counts, (await pair.deadLetters()).join('\n')).toMatchObject({
      read: 2,
      created: 2,
    });
    const exact = await exactTotals(pair);
    const entries = await pair.list('journalentrieswithlines');
    const cents = (n: number) => Math.round(n * 100);
    for (const id of [invoices.german, invoices.french]) {
      const entryLines = lines(byRef(entries, id));
      expect(
        entryLines.reduce((sum: number, l: any) => sum + cents(l.amount), 0),
        id,
      ).toBe(0);
      expect(entryLines.find((l: any) => l.ledgerAccountId === 1300)?.amount, id).toBe(exact(id).AmountDC);
      expect(entryLines.find((l: any) => l.ledgerAccountId === 1530)?.amount, id).toBe(
        -exact(id).VATAmountDC,
      );
    }
    // 3 × 33.33 = 99.99 at 19%: 19.00 on Germany's code; France's 20% of 49.95 on a line of its own.
    expect(lines(byRef(entries, invoices.german))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ amount: -99.99, vatCode: 'OSS-DE-H', vatAmount: -19 }),
        expect.objectContaining({ amount: -19, ledgerAccountId: 1530 }),
      ]),
    );
    expect(lines(byRef(entries, invoices.french))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ amount: -49.95, vatCode: 'N0', vatAmount: 0 }),
        expect.objectContaining({ amount: -9.99, ledgerAccountId: 1530, vatCode: 'N0' }),
      ]),
    );
  });

  it("creates a missing article at its Exact item's list price, not the line's discounted price", async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    await addCustomers(pair);
    const items = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code,StandardSalesPrice' });
    const item = items.find((i) => i.StandardSalesPrice > 10);
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoices.discounted, accounts.dutch, [
          { Item: item.ID, Quantity: 2, Discount: 0.25, VATCode: 'VH' },
        ]),
      ],
    });
    const [line] = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', {
      $select: 'UnitPrice,NetPrice',
      $filter: `InvoiceID eq guid'${invoices.discounted}'`,
    });
    expect(line.UnitPrice).toBe(item.StandardSalesPrice);
    expect(line.NetPrice).toBeLessThan(item.StandardSalesPrice);
    expect((await pair.run()).counts).toMatchObject({ created: 1, deadLettered: 0 });
    const articles = await pair.list('articles?ActiveState=All');
    expect(articles.find((a) => a.code === item.Code)?.salesPrice).toBe(item.StandardSalesPrice);
  });

  it("sends Exact's line VAT, so an Asperion that keeps a client's VAT books Exact's rounding", async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { item } = await addCustomers(pair);
    // Exact rounding half to even: 21% of 0.50 is 0.105, which Exact makes 0.10 and half-up 0.11.
    const res = await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amountRounding: 'half-even' }),
    });
    expect(res.ok).toBe(true);
    await pair.asperion.call('PUT', '/__sandbox/settings', {
      auth: false,
      body: { serverComputesVat: false },
    });
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoices.halfEven, accounts.dutch, [{ Item: item.ID, UnitPrice: 0.5, VATCode: 'VH' }]),
      ],
    });
    expect((await pair.run()).counts).toMatchObject({ created: 1, deadLettered: 0 });
    const exact = (await exactTotals(pair))(invoices.halfEven);
    expect(exact.VATAmountDC).toBe(0.1);
    expectBilledAsInExact(byRef(await pair.invoices(), invoices.halfEven), exact);
  });
});
