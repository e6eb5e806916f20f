import { afterEach, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../engine/replay.js';
import { testDialects } from '../../testing/databases.js';
import { byRef, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';
import { ordersDefaultMapping } from './default-mapping.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const id = (group: string, n: number) => `${group}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Our customers: a few good ones and one per kind of bad customer data. */
const customer = {
  good: id('1a', 1),
  unicode: id('1a', 2),
  long: id('1a', 3),
  noCountry: id('1a', 4),
  notIso: id('1a', 5),
  unknownIso: id('1a', 6),
  noEmail: id('1a', 7),
  badEmail: id('1a', 8),
};

/** Our invoices: the good ones (some odd but valid) and one per kind of bad order data. */
const good = {
  plain: id('1b', 1),
  negative: id('1b', 2),
  manyDecimals: id('1b', 3),
  bigQuantity: id('1b', 4),
  unicode: id('1b', 5),
  long: id('1b', 6),
};
const bad = {
  noCountry: id('1c', 1),
  notIso: id('1c', 2),
  unknownIso: id('1c', 3),
  noEmail: id('1c', 4),
  unmappedVat: id('1c', 5),
  noLines: id('1c', 6),
  huge: id('1c', 7),
  /** Deleted in Exact before the replay. */
  deleted: id('1c', 8),
  /** Asperion refuses the debtor. */
  badEmail: id('1c', 9),
};

// Emoji (a surrogate pair and a ZWJ sequence), accents, a combining mark (e + U+0301, kept as sent,
// not normalised), right-to-left text with its marks.
const unicodeName = 'Zoë Ñandú-Wêreld 🚲👩‍🔧 Jose\u0301 مرحبا \u200fשלום\u200f';
const unicodeDescription = 'Fietsbel “Ding-Dong” 🔔 — ĳzer, Ærø, ß, 東京, Jose\u0301 \u200fעברית\u200f';
// Asperion documents no field lengths (reference 2.3, 2.4) and the sandbox enforces none: nothing is cut.
const longName = `Stichting ${'Lange Naam '.repeat(30)}B.V.`;
const longDescription = `Omschrijving ${'heel lang '.repeat(100)}einde`;

const address = { AddressLine1: 'Dorpsstraat 1', Postcode: '1234 AB', City: 'Utrecht', Status: 'C' };

async function addBadData(pair: Pair): Promise<{ item: any }> {
  const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Description', $top: '1' });
  const line = (extra: Record<string, unknown> = {}) => ({
    Item: item.ID,
    Quantity: 1,
    UnitPrice: 10,
    VATCode: 'VH',
    ...extra,
  });
  const invoice = (invoiceId: string, account: string, invoiceLines: unknown[], description = 'Webshop') => ({
    InvoiceID: invoiceId,
    Journal: '70',
    OrderedBy: account,
    Description: description,
    SalesInvoiceLines: invoiceLines,
  });
  await pair.addExact({
    // A VAT code Exact has and our vatCodes value map does not ("verlegd": reverse-charged sales).
    'vat/VATCodes': [{ Code: 'VR', Description: 'BTW verlegd', Type: 'B', VATTransactionType: 'S' }],
    // An account's Country is ISO-2 text (reference 7.1), but no check on it is documented and the
    // sandbox makes none: any text, or none, can reach the flow.
    'crm/Accounts': [
      { ID: customer.good, Name: 'Jan de Vries', Email: 'jan@example.nl', Country: 'NL', ...address },
      { ID: customer.unicode, Name: unicodeName, Email: 'zoe@example.nl', Country: 'NL', ...address },
      { ID: customer.long, Name: longName, Email: 'lang@example.nl', Country: 'NL', ...address },
      { ID: customer.noCountry, Name: 'Zonder Land', Email: 'geen-land@example.nl', ...address },
      {
        ID: customer.notIso,
        Name: 'Piet Landnaam',
        Email: 'piet@example.nl',
        Country: 'Nederland',
        ...address,
      },
      { ID: customer.unknownIso, Name: 'Xavier X', Email: 'xavier@example.nl', Country: 'XX', ...address },
      { ID: customer.noEmail, Name: 'Zonder Mail', Country: 'NL', ...address },
      // Exact takes any text as an e-mail address; Asperion checks it.
      { ID: customer.badEmail, Name: 'Mail Fout', Email: 'mail at example.nl', Country: 'NL', ...address },
    ],
    'salesinvoice/SalesInvoices': [
      invoice(good.plain, customer.good, [line({ Quantity: 2, UnitPrice: 12.5 }), line({ VATCode: 'VL' })]),
      // A return on an ordinary invoice (type 8020): Exact books a negative total, so does Asperion.
      invoice(good.negative, customer.good, [line({ Quantity: -3, UnitPrice: 19.99 })]),
      // A unit price with more decimals than cents: Exact's line amount (in cents) is what is booked.
      invoice(good.manyDecimals, customer.good, [line({ Quantity: 3, UnitPrice: 0.3333 })]),
      invoice(good.bigQuantity, customer.good, [line({ Quantity: 1_000_000_000, UnitPrice: 0.01 })]),
      invoice(
        good.unicode,
        customer.unicode,
        [line({ Description: unicodeDescription })],
        unicodeDescription,
      ),
      invoice(good.long, customer.long, [line({ Description: longDescription })], longDescription),
      invoice(bad.noCountry, customer.noCountry, [line()]),
      invoice(bad.deleted, customer.noCountry, [line()]),
      invoice(bad.notIso, customer.notIso, [line()]),
      invoice(bad.unknownIso, customer.unknownIso, [line()]),
      invoice(bad.noEmail, customer.noEmail, [line()]),
      invoice(bad.badEmail, customer.badEmail, [line()]),
      invoice(bad.unmappedVat, customer.good, [line(), line({ VATCode: 'VR' })]),
      // Exact refuses an invoice without lines at entry; it gets there when its last line is deleted.
      invoice(bad.noLines, customer.good, [line()]),
      // Ten trillion euros: more than a JSON number carries to the cent.
      invoice(bad.huge, customer.good, [line({ UnitPrice: 10_000_000_000_000 })]),
    ],
  });
  const [lonely] = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', {
    $select: 'ID',
    $filter: `InvoiceID eq guid'${bad.noLines}'`,
  });
  await pair.writeExact('DELETE', `salesinvoice/SalesInvoiceLines(guid'${lonely.ID}')`);
  return { item };
}

describe.each(testDialects)('orders flow, bad source data (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('dead-letters each bad order with what and where, sends the good ones, and replays the fixed ones once', async () => {
    pair = await startPair(dialect);
    // An invoice whose last line was deleted has no line row in Exact's line-level feed: only a
    // header row (whether Exact sends one is UNCONFIRMED) brings it to the flow, to be refused.
    await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ syncHeaderRow: true }),
    });
    const { item } = await addBadData(pair);
    const exactInvoices = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
      $select: 'InvoiceID,InvoiceNumber,AmountFCExclVat',
    });
    const numberOf = new Map(exactInvoices.map((i) => [i.InvoiceID, String(i.InvoiceNumber)]));
    const exactLines = await pair.exact('bulk/SalesInvoice/SalesInvoiceLines', {
      $select: 'InvoiceID,LineNumber,AmountFC',
    });

    const run = await pair.run();
    // Some records failed, the run did not: the good orders of the same run went through.
    expect(run.state).toBe('partial');
    expect(run.counts).toMatchObject({
      read: Object.keys(good).length + Object.keys(bad).length,
      created: Object.keys(good).length,
      deadLettered: Object.keys(bad).length,
    });

    // Every bad order: dead-lettered with a code and a message that names the order and what to fix.
    const failed = new Map((await pair.records('dead_lettered')).map((r) => [r.source_id, r]));
    const codes = await errorCodes(pair);
    const expected: Record<string, { code: string; says: string[] }> = {
      [bad.noCountry]: { code: 'orders.no_country', says: ['"Zonder Land"', 'no country'] },
      [bad.deleted]: { code: 'orders.no_country', says: ['"Zonder Land"', 'no country'] },
      [bad.notIso]: { code: 'orders.unknown_country', says: ['"Piet Landnaam"', '"Nederland"'] },
      [bad.unknownIso]: { code: 'orders.unknown_country', says: ['"Xavier X"', '"XX"'] },
      [bad.noEmail]: { code: 'orders.no_debtor_match_key', says: ['"Zonder Mail"', 'no e-mail address'] },
      // Refused before Asperion sees it, saying what is wrong without repeating the address.
      [bad.badEmail]: {
        code: 'orders.bad_email',
        says: ['"Mail Fout"', 'e-mail address', 'contains a space', 'correct it on the account in Exact'],
      },
      [bad.unmappedVat]: {
        code: 'mapping.value_unmapped',
        says: ['Exact sales invoice', '"VR"', 'vatCodes', 'lines'],
      },
      [bad.noLines]: { code: 'orders.no_lines', says: ['has no lines'] },
      [bad.huge]: { code: 'orders.amount_too_large', says: ['line 1', '10000000000000.00'] },
    };
    for (const [sourceId, { code, says }] of Object.entries(expected)) {
      const record = failed.get(sourceId);
      expect(record, sourceId).toBeDefined();
      expect(codes.get(sourceId), record?.error_message ?? '').toBe(code);
      expect(record!.error_message).toContain(sourceId);
      for (const text of says) expect(record!.error_message, sourceId).toContain(text);
    }
    expect(failed.get(bad.badEmail)!.error_message).not.toContain('mail at example.nl');
    // Orders the flow itself refuses name the Exact invoice number too.
    for (const sourceId of [
      bad.noCountry,
      bad.notIso,
      bad.unknownIso,
      bad.noEmail,
      bad.badEmail,
      bad.noLines,
      bad.huge,
    ])
      expect(failed.get(sourceId)!.error_message).toContain(`Exact sales invoice ${numberOf.get(sourceId)}`);
    const letters = await pair.fx.h.store.db.selectFrom('dead_letters').selectAll().execute();
    expect(letters.map((l) => l.source_id).sort()).toEqual(Object.values(bad).sort());
    expect(letters.every((l) => l.state === 'open')).toBe(true);

    // Every good order arrived, amounts to the cent as Exact has them, text intact.
    const invoices = await pair.invoices();
    const debtors = await pair.list('debtors');
    const exactNet = (invoiceId: string) =>
      exactInvoices.find((i) => i.InvoiceID === invoiceId).AmountFCExclVat;
    for (const invoiceId of Object.values(good)) {
      const sent = byRef(invoices, invoiceId);
      expect(sent, invoiceId).toBeDefined();
      expect(sent.amountExclVat, invoiceId).toBe(exactNet(invoiceId));
      const sourceLines = exactLines
        .filter((l) => l.InvoiceID === invoiceId)
        .sort((a, b) => a.LineNumber - b.LineNumber);
      expect(lines(sent).map((l: any) => l.amount)).toEqual(sourceLines.map((l) => l.AmountFC));
    }
    const plain = byRef(invoices, good.plain);
    expect(lines(plain).map((l: any) => [l.amount, l.vatCode])).toEqual([
      [25, 'H21'],
      [10, 'L9'],
    ]);
    expect(debtorOf(debtors, plain)).toMatchObject({ name: 'Jan de Vries', emailAddress: 'jan@example.nl' });
    expect(byRef(invoices, good.negative).amountExclVat).toBe(-59.97);
    expect(byRef(invoices, good.manyDecimals).amountExclVat).toBe(exactNet(good.manyDecimals));
    expect(byRef(invoices, good.bigQuantity).amountExclVat).toBe(10_000_000);
    expect(lines(byRef(invoices, good.bigQuantity))[0].description).toBe(`1000000000 x ${item.Description}`);
    const unicode = byRef(invoices, good.unicode);
    expect(debtorOf(debtors, unicode).name).toBe(unicodeName);
    expect(unicode.description).toContain(unicodeDescription);
    expect(lines(unicode)[0].description).toBe(unicodeDescription);
    const long = byRef(invoices, good.long);
    expect(debtorOf(debtors, long).name).toBe(longName);
    expect(long.description).toContain(longDescription);
    expect(lines(long)[0].description).toBe(longDescription);
    // Nothing of a bad order reached Asperion.
    for (const invoiceId of Object.values(bad)) expect(byRef(invoices, invoiceId), invoiceId).toBeUndefined();

    // Fix the causes in Exact and in the mapping; the huge amount stays as it is; one is deleted.
    await pair.writeExact('DELETE', `salesinvoice/SalesInvoices(guid'${bad.deleted}')`);
    for (const [account, fix] of [
      [customer.noCountry, { Country: 'NL' }],
      [customer.notIso, { Country: 'NL' }],
      [customer.unknownIso, { Country: 'BE' }],
      [customer.noEmail, { Email: 'mail@example.nl' }],
      [customer.badEmail, { Email: 'mail.fout@example.nl' }],
    ] as const)
      await pair.writeExact('PUT', `crm/Accounts(guid'${account}')`, fix);
    const [revenue] = await pair.exact('bulk/Financial/GLAccounts', {
      $select: 'ID',
      $filter: "Code eq '8000'",
    });
    await pair.writeExact('POST', 'salesinvoice/SalesInvoiceLines', {
      InvoiceID: bad.noLines,
      GLAccount: revenue.ID,
      Item: item.ID,
      Quantity: 4,
      UnitPrice: 2.5,
      VATCode: 'VH',
    });
    await pair.setMapping({
      ...ordersDefaultMapping,
      valueMaps: {
        ...ordersDefaultMapping.valueMaps,
        vatCodes: { entries: { ...ordersDefaultMapping.valueMaps!['vatCodes']!.entries, VR: 'VL' } },
      },
    });

    const replay = await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'orders' }, mode: 'current' });
    expect(replay.matched).toBe(Object.keys(bad).length);
    const fixed = Object.values(bad).filter((b) => b !== bad.huge && b !== bad.deleted);
    const afterReplay = await pair.invoices();
    for (const invoiceId of fixed) {
      const sent = afterReplay.filter((i) => String(i.description).includes(`[koppel:${invoiceId}]`));
      expect(sent.length, `${invoiceId}: ${await pair.deadLetters()}`).toBe(1);
    }
    expect(byRef(afterReplay, bad.noLines).amountExclVat).toBe(10);
    expect(lines(byRef(afterReplay, bad.unmappedVat)).map((l: any) => l.vatCode)).toEqual(['H21', 'VL']);
    expect(debtorOf(await pair.list('debtors'), byRef(afterReplay, bad.noEmail))).toMatchObject({
      name: 'Zonder Mail',
      emailAddress: 'mail@example.nl',
    });
    const open = await pair.fx.h.store.db
      .selectFrom('dead_letters')
      .select(['source_id', 'error_code'])
      .where('state', '=', 'open')
      .execute();
    expect(open).toEqual([{ source_id: bad.huge, error_code: 'orders.amount_too_large' }]);
    // A replayed record's timeline says it went as Exact has it now; the deleted one is skipped.
    const created = await pair.records('created');
    expect(created.find((r) => r.source_id === bad.noEmail)!.timeline).toContain('as the source has it now');
    const [gone] = await pair.records('skipped');
    expect(gone).toMatchObject({ source_id: bad.deleted });
    expect(gone!.timeline).toContain('the source no longer has this record');
    expect(byRef(afterReplay, bad.deleted)).toBeUndefined();

    // Replaying again creates nothing; a run finds nothing new either.
    const again = await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'orders' }, mode: 'current' });
    expect(again.matched).toBe(1);
    expect((await pair.run()).counts.created).toBe(0);
    expect((await pair.invoices()).length).toBe(afterReplay.length);
  });

  it('fails an inTrade line whose unit price has more decimals than cents, instead of sending it cents off', async () => {
    pair = await startPair(dialect);
    await pair.setSettings({ orderType: 'salesOrder' });
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const [cents, fraction] = [id('1f', 1), id('1f', 2)];
    const order = (invoiceId: string, NetPrice: number) => ({
      InvoiceID: invoiceId,
      Journal: '70',
      OrderedBy: customer.good,
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 3, UnitPrice: NetPrice, NetPrice, VATCode: 'VH' }],
    });
    await pair.addExact({
      'crm/Accounts': [
        { ID: customer.good, Name: 'Jan de Vries', Email: 'jan@example.nl', Country: 'NL', ...address },
      ],
      // Exact: 3 x 0.3333 = 1.00; at 0.33 Asperion would make it 0.99.
      'salesinvoice/SalesInvoices': [order(cents, 0.5), order(fraction, 0.3333)],
    });
    expect((await pair.run()).counts).toMatchObject({ read: 2, created: 1, deadLettered: 1 });
    const orders = await pair.list('SalesOrderWithLines');
    expect(lines(byRef(orders, cents))).toMatchObject([{ quantity: 3, price: 0.5 }]);
    expect(byRef(orders, fraction)).toBeUndefined();
    const [failed] = await pair.records('dead_lettered');
    expect(failed).toMatchObject({ source_id: fraction });
    expect(failed!.error_message).toContain(`[koppel:${fraction}]`);
    expect(failed!.error_message).toContain("Line 1: 3 x 0.33 makes 0.99 in Asperion, not Exact's 1.00");
  });

  it('names each order in its own error when several lack the same article', async () => {
    pair = await startPair(dialect);
    await pair.setSettings({ articles: { create: false } });
    const invoices = [id('1d', 1), id('1d', 2), id('1d', 3)];
    await pair.addExact({
      'crm/Accounts': [
        { ID: customer.good, Name: 'Jan de Vries', Email: 'jan@example.nl', Country: 'NL', ...address },
      ],
      'logistics/Items': [{ ID: id('1e', 1), Code: 'NIEUW-2', Description: 'Nieuw artikel' }],
      'salesinvoice/SalesInvoices': invoices.map((invoiceId) => ({
        InvoiceID: invoiceId,
        Journal: '70',
        OrderedBy: customer.good,
        SalesInvoiceLines: [{ Item: id('1e', 1), Quantity: 1, UnitPrice: 5, VATCode: 'VH' }],
      })),
    });
    expect((await pair.run()).counts).toMatchObject({ read: 3, deadLettered: 3 });
    for (const record of await pair.records('dead_lettered')) {
      expect(record.error_message).toContain('Article "NIEUW-2"');
      // Its own document, twice (the order, then the line), never another order's.
      expect(record.error_message!.split(record.source_id).length).toBe(3);
    }
  });
});

const debtorOf = (debtors: any[], invoice: any) =>
  debtors.find((d) => d.customerNumber === invoice.debtorCustomerNumber);

async function errorCodes(pair: Pair): Promise<Map<string, string | null>> {
  const rows = await pair.fx.h.store.db
    .selectFrom('records')
    .select(['source_id', 'error_code'])
    .where('state', '=', 'dead_lettered')
    .execute();
  return new Map(rows.map((r) => [r.source_id, r.error_code]));
}
