import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetterViews } from '../../engine/dead-letter-view.js';
import { replayDeadLetters } from '../../engine/replay.js';
import { productRegistry } from '../../registry.js';
import { startApiHarness, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { byRef, startPair, type Pair } from '../../testing/flow-test-pair.js';
import { addOrders, ids, salesInvoice } from '../../testing/orders-test-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const hex = (n: number) => n.toString(16).padStart(12, '0');
const accountId = (n: number) => `0d000000-0000-4000-8000-${hex(n)}`;
const invoiceId = (n: number) => `0d100000-0000-4000-8000-${hex(n)}`;

const account = (n: number, name: string, extra: Record<string, unknown> = {}) => ({
  ID: accountId(n),
  Code: String(5000 + n),
  Name: name,
  Email: `klant${n}@debtors.example.nl`,
  AddressLine1: `Lange Nieuwstraat ${n}`,
  Postcode: '3512 PA',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
  ...extra,
});

async function addDebtor(pair: Pair, body: Record<string, unknown>): Promise<any> {
  const res = await pair.asperion.call('POST', '/v1/debtors', {
    body: { address: 'Oudegracht 1', postCode: '3511 AA', city: 'Utrecht', countryCode: 'NL', ...body },
    headers: { 'x-tenant-id': '1' },
  });
  if (res.status !== 201) throw new Error(`debtor refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

const debtorNamed = async (pair: Pair, customerNumber: string) =>
  (await pair.list('debtors')).find((d) => d.customerNumber === customerNumber);

/** The timeline of the record that created a document in Asperion, as JSON text. */
async function timelineOf(pair: Pair, documentId: string): Promise<string> {
  const row = await pair.fx.h.store.db
    .selectFrom('records')
    .select('timeline')
    .where('source_id', '=', documentId)
    .where('state', '=', 'created')
    .executeTakeFirstOrThrow();
  return row.timeline;
}

describe.each(testDialects)('orders flow, choosing the right debtor (%s)', (dialect) => {
  let pair: Pair;
  let api: ApiHarness;
  let item: any;
  const invoice = (n: number, account: number) =>
    salesInvoice(invoiceId(n), accountId(account), [
      { Item: item.ID, Quantity: 1, UnitPrice: 10, VATCode: 'VH' },
    ]);
  beforeAll(async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
    [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code', $top: '1' });
    api = await startApiHarness(dialect, { database: pair.fx.h.tdb, registry: productRegistry });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await pair?.close();
  });

  it('fails the invoice of a second company with the e-mail of another as ambiguous, and books it on the debtor a person chooses', async () => {
    // Two companies that share a mailbox (in another case, too); only the first gets a debtor by it.
    await pair.addExact({
      'crm/Accounts': [
        account(1, 'Bakkerij Jansen B.V.', { Email: 'Verkoop@Jansen-Debtors.nl' }),
        account(2, 'Jansen Installatietechniek', { Email: 'verkoop@jansen-debtors.nl' }),
      ],
      'salesinvoice/SalesInvoices': [invoice(1, 1)],
    });
    expect((await pair.run()).counts).toMatchObject({ created: 1, deadLettered: 0 });
    const first = byRef(await pair.invoices(), invoiceId(1));
    const bakery = await debtorNamed(pair, first.debtorCustomerNumber);
    expect(bakery).toMatchObject({ name: 'Bakkerij Jansen B.V.', emailAddress: 'Verkoop@Jansen-Debtors.nl' });
    // The timeline outlives the payload purge, so the address it names is masked there.
    expect(await timelineOf(pair, invoiceId(1))).toContain(
      `${bakery.customerNumber}: created, since no debtor had e-mail \\"[e-mail]\\"`,
    );

    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(2, 2)] });
    const second = await pair.run();
    expect(second.counts).toMatchObject({ created: 0, deadLettered: 1 });
    const [letter] = await pair.fx.h.store.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('source_id', '=', invoiceId(2))
      .execute();
    expect(letter).toMatchObject({ error_code: 'orders.ambiguous_debtor', error_kind: 'conflict' });
    expect(letter!.error_message).toContain(
      `customer 5002 "Jansen Installatietechniek" (Exact account ${accountId(2)}) matches Asperion debtor ${bakery.customerNumber} "Bakkerij Jansen B.V." by e-mail, which is not this customer`,
    );
    expect(letter!.error_message).toContain(
      'choose its debtor with "koppel debtors choose orders --account 5002 --debtor <customer number>" (or POST /api/flows/orders/debtor-choices)',
    );
    // The debtors it matched are kept with it, so a page offers them to choose from.
    const [view] = await listDeadLetterViews({ store: pair.fx.h.store }, { ids: [letter!.id] });
    expect(view!.fix).toMatchObject({
      where: 'choice',
      candidates: {
        account: accountId(2),
        accountCode: '5002',
        debtors: [{ customerNumber: bakery.customerNumber, name: 'Bakkerij Jansen B.V.' }],
      },
    });
    // The bakery's debtor was neither renamed nor re-addressed, and no second debtor has the address.
    expect(await debtorNamed(pair, bakery.customerNumber)).toEqual(bakery);
    expect(byRef(await pair.invoices(), invoiceId(2))).toBeUndefined();

    // A person makes the installer's debtor in Asperion and chooses it (a viewer may not).
    const installer = await addDebtor(pair, {
      name: 'Jansen Installatietechniek',
      emailAddress: 'verkoop@jansen-debtors.nl',
    });
    const choice = { account: '5002', debtor: installer.customerNumber };
    const viewer = await api.withToken('viewer');
    expect((await viewer.post('/api/flows/orders/debtor-choices', choice)).status).toBe(403);
    const operator = await api.withToken('operator');
    const chosen = await operator.post('/api/flows/orders/debtor-choices', choice);
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject(choice);
    expect((await viewer.get('/api/flows/orders/debtor-choices')).body.items).toEqual([chosen.body]);
    const unknownFlow = await operator.post('/api/flows/nope/debtor-choices', choice);
    expect(unknownFlow.status).toBe(404);

    const replay = await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'orders' }, mode: 'as-was' });
    expect(replay.matched).toBe(1);
    const booked = byRef(await pair.invoices(), invoiceId(2));
    expect(booked.debtorCustomerNumber).toBe(installer.customerNumber);
    expect(await timelineOf(pair, invoiceId(2))).toContain(
      `${installer.customerNumber}: chosen by a person on`,
    );
    expect(await debtorNamed(pair, bakery.customerNumber)).toEqual(bakery);

    // The next order of the installer goes on the chosen debtor with no look-up.
    await pair.asperion.call('DELETE', '/__sandbox/requests', { auth: false });
    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(3, 2)] });
    expect((await pair.run()).counts).toMatchObject({ created: 1, deadLettered: 0 });
    expect(byRef(await pair.invoices(), invoiceId(3)).debtorCustomerNumber).toBe(installer.customerNumber);
    const log = (await pair.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests;
    expect(log.filter((r: any) => r.url.startsWith('/v1/debtors')).map((r: any) => r.method)).toEqual([]);

    // Forgotten, the choice no longer holds: the installer's next order looks its debtor up by
    // e-mail again, and of the two debtors with it, takes the one with its name.
    expect((await operator.call('DELETE', '/api/flows/orders/debtor-choices/5002')).status).toBe(204);
    expect((await operator.call('DELETE', '/api/flows/orders/debtor-choices/5002')).status).toBe(404);
    expect((await viewer.get('/api/flows/orders/debtor-choices')).body.items).toEqual([]);
    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(4, 2)] });
    expect((await pair.run()).counts).toMatchObject({ created: 1, deadLettered: 0 });
    expect(byRef(await pair.invoices(), invoiceId(4)).debtorCustomerNumber).toBe(installer.customerNumber);
    expect(await timelineOf(pair, invoiceId(4))).toContain(`${installer.customerNumber}: found by e-mail`);
  });

  it('never updates a debtor from one account while another account posts on it too', async () => {
    // A third company with the mailbox, booked on the bakery's debtor by a person's choice.
    await pair.addExact({
      'crm/Accounts': [account(3, 'Jansen Vastgoed', { Email: 'verkoop@jansen-debtors.nl' })],
    });
    const [bakeryInvoice] = (await pair.invoices()).filter((i) =>
      String(i.description).includes(invoiceId(1)),
    );
    const bakery = await debtorNamed(pair, bakeryInvoice.debtorCustomerNumber);
    const operator = await api.withToken('operator');
    await operator.post('/api/flows/orders/debtor-choices', {
      account: accountId(3),
      debtor: bakery.customerNumber,
    });
    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(5, 3)] });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    expect(byRef(await pair.invoices(), invoiceId(5)).debtorCustomerNumber).toBe(bakery.customerNumber);
    expect(await timelineOf(pair, invoiceId(5))).toContain(
      `${bakery.customerNumber} not brought up to date: customer 5001 \\"Bakkerij Jansen B.V.\\" posts on it too`,
    );

    // The bakery moves; its debtor is shared now, so it is not re-addressed either.
    await pair.writeExact('PUT', `crm/Accounts(guid'${accountId(1)}')`, { AddressLine1: 'Vredenburg 40' });
    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(6, 1)] });
    expect((await pair.run()).counts).toMatchObject({ created: 1 });
    expect(byRef(await pair.invoices(), invoiceId(6)).debtorCustomerNumber).toBe(bakery.customerNumber);
    expect(await debtorNamed(pair, bakery.customerNumber)).toEqual(bakery);
  });

  it('finds the right debtor by each match key, not the one of the same name with another key', async () => {
    const cases: Array<{
      settings: Record<string, unknown>;
      account: Record<string, unknown>;
      right: Record<string, unknown>;
      decoy: Record<string, unknown>;
      why: string;
    }> = [
      {
        // E-mail addresses compare without case.
        settings: { matchBy: 'email' },
        account: account(11, 'Kaasboer Visser', { Email: 'Verkoop@Kaasboer-Visser.nl' }),
        right: { name: 'Kaasboer Visser', emailAddress: 'verkoop@kaasboer-visser.nl' },
        decoy: { name: 'Kaasboer Visser', emailAddress: 'inkoop@kaasboer-visser.nl' },
        why: 'found by e-mail \\"[e-mail]\\"',
      },
      {
        settings: { matchBy: 'accountCode' },
        account: account(12, 'Fietsen Bakker'),
        right: { name: 'Fietsen Bakker', customerNumber: '5012' },
        decoy: { name: 'Fietsen Bakker', customerNumber: '6012' },
        why: 'found by account code \\"5012\\"',
      },
      {
        // The old name of the key still works.
        settings: { matchBy: 'customerNumber' },
        account: account(13, 'Tandem Dekker'),
        right: { name: 'Tandem Dekker', customerNumber: '5013' },
        decoy: { name: 'Tandem Dekker', customerNumber: '6013' },
        why: 'found by account code \\"5013\\"',
      },
      {
        // The code in a free characteristic: a debtor with the code as its number is someone else.
        settings: { matchBy: 'accountCode', accountCodeField: 'characteristic4' },
        account: account(14, 'Rijwiel Smit'),
        right: { name: 'Rijwiel Smit', characteristic4: '5014' },
        decoy: { name: 'Rijwiel Smit', customerNumber: '5014' },
        why: 'found by account code \\"5014\\"',
      },
      {
        settings: { matchBy: 'vatNumber' },
        account: account(15, 'Velo Groot B.V.', { VATNumber: 'NL 8888.77.666.B01' }),
        right: { name: 'Velo Groot BV', vatNumber: 'NL888877666B01' },
        decoy: { name: 'Velo Groot BV', vatNumber: 'NL111122333B01' },
        why: 'found by VAT number \\"NL 8888.77.666.B01\\"',
      },
      {
        settings: { matchBy: 'namePostcode' },
        account: account(16, 'Tweewieler Mulder', { Postcode: '3511 AB' }),
        right: { name: 'Tweewieler Mulder', postCode: '3511AB' },
        decoy: { name: 'Tweewieler Mulder', postCode: '9711 AA' },
        why: 'found by name and postcode \\"Tweewieler Mulder, 3511 AB\\"',
      },
    ];
    for (const [n, c] of cases.entries()) {
      await addDebtor(pair, c.decoy);
      const right = await addDebtor(pair, c.right);
      await pair.setSettings({ debtor: c.settings });
      await pair.addExact({
        'crm/Accounts': [c.account],
        'salesinvoice/SalesInvoices': [
          salesInvoice(invoiceId(100 + n), String(c.account['ID']), [
            { Item: item.ID, Quantity: 1, UnitPrice: 10, VATCode: 'VH' },
          ]),
        ],
      });
      const run = await pair.run();
      expect(
        run.counts,
        `${JSON.stringify(c.settings)}: ${(await pair.deadLetters()).join('\n')}`,
      ).toMatchObject({ created: 1, deadLettered: 0 });
      const sent = byRef(await pair.invoices(), invoiceId(100 + n));
      expect(sent.debtorCustomerNumber, JSON.stringify(c.settings)).toBe(right.customerNumber);
      expect(await timelineOf(pair, invoiceId(100 + n))).toContain(`${right.customerNumber}: ${c.why}`);
    }
    await pair.setSettings({});
  });

  it('makes a person debtor for a private customer and a business debtor for a company', async () => {
    await addOrders(pair);
    const run = await pair.run();
    expect(run.counts.created).toBeGreaterThan(0);
    const invoices = await pair.invoices();
    const person = await debtorNamed(pair, byRef(invoices, ids.discounted).debtorCustomerNumber);
    expect(person).toMatchObject({ name: 'Jan de Vries', debtorKindId: 'PAR' });
    const company = await debtorNamed(pair, byRef(invoices, ids.company).debtorCustomerNumber);
    expect(company.attentionTo).toBeTruthy();
    expect(company.debtorKindId).toBe('ZAK');
  });
});
