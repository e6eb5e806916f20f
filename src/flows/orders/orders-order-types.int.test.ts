import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { accountsSharingEmail, addOrders, deadLetterCodes, ids } from '../../testing/orders-test-fixture.js';
import { byRef, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

describe.each(testDialects)('orders flow, other order types (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('reads Exact sales orders instead of invoices when the source says so, booking what Exact billed', async () => {
    pair = await startPair(dialect, { seed: 'demo' });
    await pair.setSettings({ source: 'salesOrders', oss: { vatPayableAccountId: 1530 } });
    const demo = await pair.exact('bulk/SalesOrder/SalesOrders', {
      $select: 'OrderID,InvoiceTo,Status,Currency,AmountDC',
    });
    const shared = await accountsSharingEmail(pair);
    const run = await pair.run();
    // The only failures: customers whose e-mail another company of the demo has too.
    const failed = await deadLetterCodes(pair);
    for (const [id, code] of failed) {
      expect(code, id).toBe('orders.ambiguous_debtor');
      expect(shared.has(demo.find((o) => o.OrderID === id).InvoiceTo), id).toBe(true);
    }
    const sendable = demo.filter((o) => [12, 20, 21].includes(o.Status) && !failed.has(o.OrderID));
    expect(sendable.length).toBeGreaterThan(0);
    expect(run.counts).toMatchObject({
      read: demo.length,
      created: sendable.length,
      deadLettered: failed.size,
    });
    const invoices = await pair.invoices();
    const exactLines = await pair.exact('bulk/SalesOrder/SalesOrderLines', { $select: 'OrderID,AmountDC' });
    const netOf = new Map<string, number>();
    for (const l of exactLines)
      netOf.set(l.OrderID, (netOf.get(l.OrderID) ?? 0) + Math.round(l.AmountDC * 100));
    expect(sendable.filter((o) => o.Currency !== 'EUR').length).toBeGreaterThan(0);
    for (const order of sendable) {
      const sent = byRef(invoices, order.OrderID);
      expect(sent, order.OrderID).toBeDefined();
      const vatOnAccount = lines(sent)
        .filter((l: any) => l.ledgerAccountId === 1530)
        .reduce((sum: number, l: any) => sum + Math.round(l.amount * 100), 0);
      // Net in euro (Exact's DC amounts) to the cent, OSS VAT on its account aside.
      expect(Math.round(sent.amountExclVat * 100) - vatOnAccount, order.OrderID).toBe(
        netOf.get(order.OrderID),
      );
      // A euro order's total is Exact's to the cent; a foreign one's header converts its VAT as a
      // whole (UNCONFIRMED in the sandbox), which may differ by a cent from the lines' VAT.
      if (order.Currency === 'EUR') expect(sent.amountInclVat, order.OrderID).toBe(order.AmountDC);
    }
  });

  it('makes inTrade sales orders with article lines, skipping credit notes with the reason', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { item } = await addOrders(pair);
    await pair.setSettings({
      orderType: 'salesOrder',
      shipping: { itemCodes: ['VERZEND'], articleCode: 'VERZEND' },
    });
    const before = (await pair.list('SalesOrderWithLines')).length;
    const run = await pair.run();
    // The credit note is skipped; the rest (with NIEUW-1 and VERZEND created as articles) go through.
    expect(run.counts).toMatchObject({ read: 6, skipped: 1, created: 5, deadLettered: 0 });
    const orders = await pair.list('SalesOrderWithLines');
    expect(orders.length - before).toBe(5);
    const discounted = byRef(orders, ids.discounted);
    const articles = await pair.list('articles?ActiveState=All');
    const articleId = (code: string) => articles.find((a) => a.code === code)?.id;
    expect(lines(discounted)).toMatchObject([
      { articleId: articleId(item.Code), quantity: 3, price: 17.99 },
      { articleId: articleId('VERZEND'), quantity: 1, price: 6.95 },
    ]);
    expect(discounted.amountExclVat).toBe(60.92);
    const skipped = await pair.records('skipped');
    expect(skipped.find((r) => r.source_id === ids.credit)?.timeline).toContain(
      'a credit note cannot become an inTrade sales order',
    );
    expect((await pair.run()).counts).toMatchObject({ created: 0 });
    expect((await pair.list('SalesOrderWithLines')).length).toBe(orders.length);
  });

  it('books balanced journal entries with the debtor on the receivables line, credit notes turned around', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    await addOrders(pair);
    await pair.setSettings({
      orderType: 'journalEntry',
      shipping: { itemCodes: ['VERZEND'], ledgerAccountId: 8000 },
    });
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 6, created: 6, deadLettered: 0 });
    const entries = await pair.list('journalentrieswithlines');
    const debtors = await pair.list('debtors');
    const person = debtors.find((d) => d.emailAddress === 'jan.devries@example.nl');

    const discounted = byRef(entries, ids.discounted);
    expect(discounted.journalId).toBe('70');
    const entryLines = lines(discounted);
    const cents = (n: number) => Math.round(n * 100);
    expect(entryLines.reduce((sum: number, l: any) => sum + cents(l.amount), 0)).toBe(0);
    expect(entryLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ledgerAccountId: 8010, amount: -53.97, vatCode: 'L9' }),
        expect.objectContaining({ ledgerAccountId: 8000, amount: -6.95, vatCode: 'H21' }),
        expect.objectContaining({ ledgerAccountId: 1520, amount: -4.86 }),
        expect.objectContaining({ ledgerAccountId: 1510, amount: -1.46 }),
        expect.objectContaining({ ledgerAccountId: 1300, amount: 67.24, debtorId: person.id }),
      ]),
    );
    const credit = lines(byRef(entries, ids.credit));
    expect(credit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ledgerAccountId: 8000, amount: 20 }),
        expect.objectContaining({ ledgerAccountId: 1510, amount: 4.2 }),
        expect.objectContaining({ ledgerAccountId: 1300, amount: -24.2 }),
      ]),
    );
    expect((await pair.run()).counts).toMatchObject({ created: 0 });
  });
});
