import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import {
  accountsSharingEmail,
  addOrders,
  deadLetterCodes,
  ids,
  salesInvoice,
} from '../../testing/orders-test-fixture.js';
import { byRef, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

describe.each(testDialects)('orders flow, sales invoices (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('moves the demo invoices into Asperion as Exact billed them, skips drafts with the reason, and creates nothing on a second run', async () => {
    pair = await startPair(dialect, { seed: 'demo' });
    // The demo bills French consumers French VAT, for which Asperion's demo has no code.
    await pair.setSettings({ oss: { vatPayableAccountId: 1530 } });
    const before = (await pair.invoices()).length;
    const demo = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
      $select: 'InvoiceID,InvoiceTo,Status,Currency,AmountFC,AmountDC,VATAmountDC',
    });
    const shared = await accountsSharingEmail(pair);
    expect(shared.size).toBeGreaterThan(0);
    const first = await pair.run();
    // The only failures: customers whose e-mail another company of the demo has too, which must
    // not be booked on that company's debtor.
    const failed = await deadLetterCodes(pair);
    expect(failed.size).toBeGreaterThan(0);
    for (const [id, code] of failed) {
      expect(code, id).toBe('orders.ambiguous_debtor');
      expect(shared.has(demo.find((i) => i.InvoiceID === id).InvoiceTo), id).toBe(true);
    }
    expect(first.counts).toMatchObject({ deadLettered: failed.size });
    const statusSendable = demo.filter((i) => i.Status === 20 || i.Status === 50);
    const sendable = statusSendable.filter((i) => !failed.has(i.InvoiceID));
    const after = await pair.invoices();
    expect(after.length - before).toBe(sendable.length);
    // The demo has OSS invoices and invoices in dollars and pounds, not only Dutch VAT in euro.
    const exactLines = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', {
      $select: 'InvoiceID,VATCode',
    });
    const oss = new Set(exactLines.filter((l) => /^O[BDF][HL]$/.test(l.VATCode)).map((l) => l.InvoiceID));
    expect(sendable.filter((i) => oss.has(i.InvoiceID)).length).toBeGreaterThan(0);
    expect(sendable.filter((i) => i.Currency !== 'EUR').length).toBeGreaterThan(0);
    for (const source of sendable) {
      const sent = byRef(after, source.InvoiceID);
      expect(sent, source.InvoiceID).toBeDefined();
      expect(sent.journalId).toBe('70');
      // The receivable is what the customer was billed, in euro, to the cent.
      expect(sent.amountInclVat, source.InvoiceID).toBe(source.AmountDC);
      // OSS VAT on the OSS account is a line amount there, not Dutch VAT.
      if (!lines(sent).some((l: any) => l.ledgerAccountId === 1530))
        expect(sent.vatAmount, source.InvoiceID).toBe(source.VATAmountDC);
    }
    const skipped = await pair.records('skipped');
    expect(skipped.length).toBe(demo.length - statusSendable.length);
    expect(skipped.length).toBeGreaterThan(0);
    for (const record of skipped)
      expect(record.timeline).toContain('status 10 is not one of the statuses this flow sends (20, 50)');

    const second = await pair.run();
    expect(second.counts.created ?? 0).toBe(0);
    expect((await pair.invoices()).length).toBe(after.length);
  });
});

describe.each(testDialects)('orders flow, own orders as sales invoices (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('carries discounts, shipping, credit notes, debtors and VAT abroad over exactly, and fails an unknown article alone', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const { company, item, contact } = await addOrders(pair);
    // The catalogue is in Asperion already (the products flow's work); only the new article is not.
    const article = await pair.asperion.call('POST', '/v1/articles', {
      headers: { 'x-tenant-id': '1' },
      body: { code: item.Code, description: 'Artikel uit Exact', salesTypeId: 1 },
    });
    expect(article.status).toBe(201);
    // Dutch VAT charged to an EU business: what Exact invoiced is what gets booked.
    const euCharged = '0d000000-0000-4000-8000-000000000007';
    // A discount on the whole order (Exact's header Discount), beside a line with its own.
    const orderDiscount = '0d000000-0000-4000-8000-000000000008';
    // Discounted lines whose net price has more than two decimals: Exact rounds each line once.
    const awkward = '0d000000-0000-4000-8000-000000000009';
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(euCharged, ids.belgian, [{ Item: item.ID, Quantity: 1, UnitPrice: 50, VATCode: 'VH' }]),
        salesInvoice(
          orderDiscount,
          ids.person,
          [
            { Item: item.ID, Quantity: 3, UnitPrice: 19.99, VATCode: 'VL' },
            { Item: item.ID, Quantity: 1, UnitPrice: 12.49, VATCode: 'VH', Discount: 0.25 },
          ],
          { Discount: 0.075 },
        ),
        salesInvoice(awkward, ids.person, [
          { Item: item.ID, Quantity: 7, UnitPrice: 12.345, VATCode: 'VH', Discount: 0.15 },
          { Item: item.ID, Quantity: 11, UnitPrice: 0.995, VATCode: 'VH', Discount: 0.1 },
        ]),
      ],
    });
    await pair.setSettings({
      articles: { create: false },
      shipping: { itemCodes: ['VERZEND'], ledgerAccountId: 8000 },
    });
    const run = await pair.run();
    expect(run.state).toBe('partial');
    expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({
      read: 9,
      created: 8,
      deadLettered: 1,
    });

    const exactInvoices = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
      $select: 'InvoiceID,AmountFC,AmountFCExclVat,VATAmountFC',
    });
    const totals = (id: string) => exactInvoices.find((i) => i.InvoiceID === id);
    const invoices = await pair.invoices();

    // Line discount and shipping: the net lines and their VAT add up to Exact's totals to the cent.
    const discounted = byRef(invoices, ids.discounted);
    expect(discounted.amountExclVat).toBe(60.92);
    expect(discounted.vatAmount).toBe(totals(ids.discounted).VATAmountFC);
    expect(discounted.amountInclVat).toBe(totals(ids.discounted).AmountFC);
    const [product, shipping] = lines(discounted);
    expect(product).toMatchObject({ amount: 53.97, vatCode: 'L9', ledgerAccountId: 8010, vatAmount: 4.86 });
    expect(product.articleId).not.toBeNull();
    expect(shipping).toMatchObject({ amount: 6.95, vatCode: 'H21', ledgerAccountId: 8000, articleId: null });

    // A person debtor: the name is the person's, no attention-to, the street split and joined back.
    const debtors = await pair.list('debtors');
    const person = debtors.find((d) => d.emailAddress === 'jan.devries@example.nl');
    expect(person).toMatchObject({
      name: 'Jan de Vries',
      attentionTo: null,
      address: 'Keizersgracht 123-2',
      postCode: '1015 CJ',
      city: 'Amsterdam',
      countryCode: 'NL',
      paymentConditionId: 1,
      paymentMethodId: 'OVB',
    });
    expect(discounted.debtorCustomerNumber).toBe(person.customerNumber);
    expect(discounted.paymentConditionId).toBe(1);

    // A company debtor: the company's name with its main contact as attention-to.
    const companyDebtor = debtors.find((d) => d.emailAddress === company.Email);
    expect(companyDebtor).toMatchObject({ name: company.Name, attentionTo: contact.FullName });
    expect(byRef(invoices, ids.company)).toMatchObject({
      debtorCustomerNumber: companyDebtor.customerNumber,
      amountExclVat: 25,
      vatAmount: 5.25,
      amountInclVat: 30.25,
    });

    // A credit note is a negative invoice.
    expect(byRef(invoices, ids.credit)).toMatchObject({
      amountExclVat: -20,
      vatAmount: -4.2,
      amountInclVat: -24.2,
    });

    // Abroad: an EU business with a VAT number gets intra-community supply, outside the EU export.
    expect(lines(byRef(invoices, ids.eu))[0]).toMatchObject({
      vatCode: 'ICP',
      ledgerAccountId: 8030,
      vatAmount: 0,
    });
    expect(lines(byRef(invoices, ids.export))[0]).toMatchObject({ vatCode: 'EX', ledgerAccountId: 8040 });
    // Exact charged 21% to the EU business: Asperion books the same 21%, and the order's activity
    // says the destination's code was set aside.
    expect(byRef(invoices, euCharged)).toMatchObject({
      amountExclVat: 50,
      vatAmount: totals(euCharged).VATAmountFC,
      amountInclVat: totals(euCharged).AmountFC,
    });
    expect(lines(byRef(invoices, euCharged))[0]).toMatchObject({ vatCode: 'H21', vatAmount: 10.5 });
    // The order-level discount reached the lines in Exact, so Asperion's totals are Exact's to the cent.
    expect(byRef(invoices, orderDiscount)).toMatchObject({
      amountExclVat: totals(orderDiscount).AmountFCExclVat,
      vatAmount: totals(orderDiscount).VATAmountFC,
      amountInclVat: totals(orderDiscount).AmountFC,
    });
    expect(totals(orderDiscount).AmountFCExclVat).toBe(64.84);
    // 7 × 12.345 at 15 % is 73.45 and 11 × 0.995 at 10 % is 9.85 (rounding the net price first
    // would give 73.43 and 9.90): Asperion's totals are Exact's to the cent.
    expect(totals(awkward)).toMatchObject({ AmountFCExclVat: 83.3, VATAmountFC: 17.49, AmountFC: 100.79 });
    expect(byRef(invoices, awkward)).toMatchObject({
      amountExclVat: totals(awkward).AmountFCExclVat,
      vatAmount: totals(awkward).VATAmountFC,
      amountInclVat: totals(awkward).AmountFC,
    });
    expect(lines(byRef(invoices, awkward)).map((l: any) => l.amount)).toEqual([73.45, 9.85]);
    const kept = (await pair.records('created')).find((r) => r.source_id === euCharged)!;
    expect(kept.timeline).toContain("kept Exact's VAT code (H21) rather than ICP for an EU business");
    // A Swiss company's CHE-…MWST number is no EU VAT number: its debtor has none, its order goes through.
    const swiss = debtors.find((d) => d.emailAddress === 'info@velo-zuerich.ch');
    expect(swiss).toMatchObject({ name: 'Velo Zürich', countryCode: 'CH', vatNumber: null });
    expect(byRef(invoices, ids.export).debtorCustomerNumber).toBe(swiss.customerNumber);

    // The order with an article Asperion lacks fails alone, with the SKU and the setting in the reason.
    expect(byRef(invoices, ids.missing)).toBeUndefined();
    const failed = await pair.fx.h.store.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('flow_id', '=', 'orders')
      .execute();
    expect(failed.map((d: any) => d.source_id)).toEqual([ids.missing]);
    expect(failed[0]).toMatchObject({ error_code: 'orders.unknown_article', error_kind: 'invalid' });
    expect(failed[0]?.error_message).toContain('Article "NIEUW-1"');
    expect(failed[0]?.error_message).toContain('settings.articles.create');
    const articles = await pair.list('articles?ActiveState=All');
    expect(articles.some((a) => a.code === 'NIEUW-1')).toBe(false);
    expect(articles.some((a) => a.code === item.Code)).toBe(true);

    // Nothing new on a second run.
    const count = invoices.length;
    expect((await pair.run()).counts).toMatchObject({ created: 0 });
    expect((await pair.invoices()).length).toBe(count);
  });

  it('leaves a sent invoice alone when Exact only processes it, and says so when its lines change', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
    await addOrders(pair);
    expect((await pair.run()).counts).toMatchObject({ created: 6 });
    const count = (await pair.invoices()).length;

    // Processing numbers the invoice and bumps its row version: read again, nothing to send.
    await pair.writeExact('POST', 'salesinvoice/PrintedSalesInvoices', { InvoiceID: ids.company });
    const processed = await pair.run();
    expect(processed.counts).toMatchObject({ read: 1, unchanged: 1, deadLettered: 0 });

    // A changed amount cannot be carried into an Asperion invoice: it fails with the reason.
    const [line] = await pair.exact('salesinvoice/SalesInvoiceLines', {
      $select: 'ID',
      $filter: `InvoiceID eq guid'${ids.eu}'`,
    });
    await pair.writeExact('PUT', `salesinvoice/SalesInvoiceLines(guid'${line.ID}')`, { Quantity: 2 });
    const changed = await pair.run();
    expect(changed.counts).toMatchObject({ read: 1, deadLettered: 1 });
    expect(await pair.deadLetters()).toEqual([expect.stringContaining('changed in Exact after it was sent')]);
    expect((await pair.invoices()).length).toBe(count);
  });

  it.each(['customerNumber', 'name'] as const)(
    'finds and creates debtors by %s when that is the match key',
    async (matchBy) => {
      pair = await startPair(dialect);
      await pair.setSettings({ debtor: { matchBy } });
      // The Asperion demo administration's debtor 12 is another company (and blocked). An Exact
      // customer with code 12 of our own (the demo seed numbers its customers higher): by customer
      // number its order fails as ambiguous, naming that debtor; the others go through.
      const twelve = '0a000000-0000-4000-8000-000000000012';
      const [firstItem] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
      // Orders of a dozen of the demo's customers, companies and persons, one of them twice.
      const customers = (await pair.exact('bulk/CRM/Accounts', { $select: 'ID,Status,Blocked,MainContact' }))
        .filter((a) => a.Status === 'C' && !a.Blocked)
        .slice(0, 12);
      expect(customers.some((a) => a.MainContact) && customers.some((a) => !a.MainContact)).toBe(true);
      const theirs = [...customers, customers[0]].map((a, n) => ({
        InvoiceID: `0f100000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        Journal: '70',
        OrderedBy: a.ID,
        SalesInvoiceLines: [{ Item: firstItem.ID, Quantity: n + 1 }],
      }));
      await pair.addExact({
        'crm/Accounts': [
          {
            ID: twelve,
            Code: '12',
            Name: 'Rijwielhandel Twaalf',
            AddressLine1: 'Dorpsstraat 12',
            Postcode: '1234 AB',
            City: 'Utrecht',
            Country: 'NL',
            Status: 'C',
          },
        ],
        'salesinvoice/SalesInvoices': [
          ...theirs,
          salesInvoice('0f000000-0000-4000-8000-000000000012', twelve, [{ Item: firstItem.ID }]),
        ],
      });
      const accounts = await pair.exact('bulk/CRM/Accounts', { $select: 'ID,Code,Name,MainContact' });
      const blocked = accounts.filter((a) => a.Code.trim() === '12').map((a) => a.ID);
      expect(blocked).toEqual([twelve]);
      const run = await pair.run();
      const dead = await pair.deadLetters();
      if (matchBy === 'name') expect(dead).toEqual([]);
      else {
        expect(dead.length).toBeGreaterThan(0);
        for (const line of dead)
          expect(line).toMatch(
            /customer 12 "Rijwielhandel Twaalf" \(Exact account [-0-9a-f]+\) matches Asperion debtor 12 "[^"]+" by account code, which is not this customer/,
          );
      }
      const sent = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
        $select: 'InvoiceID,InvoiceTo,Status',
      });
      const invoices = await pair.invoices();
      const debtors = await pair.list('debtors');
      let checked = 0;
      for (const source of sent.filter((i) => i.Status !== 10)) {
        if (matchBy === 'customerNumber' && blocked.includes(source.InvoiceTo)) continue;
        const account = accounts.find((a) => a.ID === source.InvoiceTo);
        const debtor = debtors.find(
          (d) => d.customerNumber === byRef(invoices, source.InvoiceID).debtorCustomerNumber,
        );
        if (matchBy === 'customerNumber') expect(debtor.customerNumber).toBe(account.Code.trim());
        else expect(debtor.name).toBe(account.Name);
        checked += 1;
      }
      // By name, the customer with code 12 is found (and not blocked) too.
      expect(checked).toBe(theirs.length + (matchBy === 'name' ? 1 : 0));
      expect(run.counts.created).toBe(checked);
      // A new order of a known customer finds its debtor again instead of making a second one.
      const count = debtors.length;
      const known = sent.find((i) => i.Status !== 10 && !blocked.includes(i.InvoiceTo))!;
      const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
      const again = '0f000000-0000-4000-8000-000000000001';
      await pair.addExact({
        'salesinvoice/SalesInvoices': [salesInvoice(again, known.InvoiceTo, [{ Item: item.ID }])],
      });
      expect((await pair.run()).counts).toMatchObject({ read: 1, created: 1 });
      const all = await pair.invoices();
      expect(byRef(all, again).debtorCustomerNumber).toBe(byRef(all, known.InvoiceID).debtorCustomerNumber);
      expect((await pair.list('debtors')).length).toBe(count);
    },
  );

  it('brings a found debtor up to date only when the flow may update debtors', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
    const { item } = await addOrders(pair);
    expect((await pair.run()).counts).toMatchObject({ created: 6 });
    const person = async () =>
      (await pair!.list('debtors')).find((d) => d.emailAddress === 'jan.devries@example.nl');
    const before = await person();
    await pair.writeExact('PUT', `crm/Accounts(guid'${ids.person}')`, { AddressLine1: 'Prinsengracht 263' });
    const order = (id: string) =>
      salesInvoice(id, ids.person, [{ Item: item.ID, Quantity: 1, UnitPrice: 5 }]);

    await pair.setSettings({ debtor: { update: false } });
    await pair.addExact({ 'salesinvoice/SalesInvoices': [order('0f000000-0000-4000-8000-000000000010')] });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    expect(await person()).toMatchObject({ id: before.id, address: 'Keizersgracht 123-2' });

    await pair.setSettings({});
    await pair.addExact({ 'salesinvoice/SalesInvoices': [order('0f000000-0000-4000-8000-000000000011')] });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    expect(await person()).toMatchObject({
      id: before.id,
      address: 'Prinsengracht 263',
      name: 'Jan de Vries',
    });
  });

  it('posts every order on the default debtor when one is set', async () => {
    pair = await startPair(dialect);
    await addOrders(pair);
    const [fixed] = await pair.list('debtors');
    await pair.setSettings({ debtor: { defaultCustomerNumber: fixed.customerNumber } });
    const debtorsBefore = (await pair.list('debtors')).length;
    const run = await pair.run();
    expect(run.state).toBe('succeeded');
    const created = (await pair.invoices()).filter((i) => String(i.description).includes('[koppel:'));
    expect(created.length).toBe(run.counts.created);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((i) => i.debtorCustomerNumber))).toEqual(new Set([fixed.customerNumber]));
    expect((await pair.list('debtors')).length).toBe(debtorsBefore);
  });

  it('books shipping lines on the article of their shipping method, with the method in their text', async () => {
    pair = await startPair(dialect);
    const [dhl] = await pair.exact('sales/ShippingMethods', {
      $select: 'ID,Code',
      $filter: "Code eq 'DHL'",
    });
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const [shipping] = await pair.exact('bulk/Logistics/Items', {
      $select: 'ID',
      $filter: "Code eq 'VERZEND'",
    });
    const [account] = await pair.exact('bulk/CRM/Accounts', {
      $select: 'ID',
      $filter: "Country eq 'NL' and Email ne null",
      $top: '1',
    });
    const id = '0f000000-0000-4000-8000-000000000020';
    await pair.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(
          id,
          account.ID,
          [
            { Item: item.ID, Quantity: 1, UnitPrice: 20, VATCode: 'VH' },
            { Item: shipping.ID, Quantity: 1, UnitPrice: 7.5, VATCode: 'VH', Description: 'Verzendkosten' },
          ],
          { ShippingMethod: dhl.ID },
        ),
      ],
    });
    await pair.setSettings({ shipping: { itemCodes: ['VERZEND'], ledgerAccountId: 8000 } });
    expect((await pair.run()).state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
    const [article] = (await pair.list('articles')).filter((a) => a.code === 'VERZEND');
    const [, shippingLine] = lines(byRef(await pair.invoices(), id));
    // The default mapping books every demo method on the demo's shipping article.
    expect(shippingLine).toMatchObject({
      description: 'Verzendkosten (DHL Parcel)',
      articleId: article.id,
      ledgerAccountId: 8000,
      amount: 7.5,
    });
  });

  it('skips orders outside the chosen statuses with the reason', async () => {
    pair = await startPair(dialect);
    await addOrders(pair);
    await pair.writeExact('POST', 'salesinvoice/PrintedSalesInvoices', { InvoiceID: ids.company });
    await pair.setSettings({ statuses: [20] });
    const run = await pair.run();
    const skipped = await pair.records('skipped');
    expect(skipped.length).toBe(run.counts.skipped);
    expect(
      skipped.some((r) => r.timeline.includes('status 50 is not one of the statuses this flow sends (20)')),
    ).toBe(true);
    expect(run.counts.created).toBeGreaterThan(0);
  });
});
