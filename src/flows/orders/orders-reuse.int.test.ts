import { afterEach, describe, expect, it } from 'vitest';
import { tokensToCredentials } from '../../connectors/kit/token-lease.js';
import { dryRunFlow } from '../../engine/dry-run-flow.js';
import { runFlow } from '../../engine/run-flow.js';
import { defaultClientSecret } from '../../sandboxes/asperion/credentials.js';
import { upsertFlow } from '../../store/repos/flows.js';
import { testDialects } from '../../testing/databases.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';
import { byRef, flowRow, lines, startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const hex = (n: number) => n.toString(16).padStart(12, '0');
const accountId = (n: number) => `0f000000-0000-4000-8000-${hex(n)}`;
const invoiceId = (n: number) => `0f100000-0000-4000-8000-${hex(n)}`;

const account = (n: number, extra: Record<string, unknown> = {}) => ({
  ID: accountId(n),
  Name: `Vaste Klant ${n}`,
  Email: `vast${n}@reuse.example.nl`,
  AddressLine1: `Oudegracht ${n + 1}`,
  Postcode: '3511 AB',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
  ...extra,
});

/** What crossed HTTP to Asperion's API since the log was last cleared (control calls are not logged). */
async function asperionCalls(pair: Pair): Promise<string[]> {
  const log = (await pair.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests;
  return log
    .filter((r: any) => r.url.startsWith('/v1/'))
    .map((r: any) => `${r.method} ${r.url.split('?')[0]}`);
}

async function clearAsperionLog(pair: Pair): Promise<void> {
  await pair.asperion.call('DELETE', '/__sandbox/requests', { auth: false });
}

/** Exact's totals of an invoice and Asperion's of the one Koppel made of it, in cents. */
async function expectSameTotals(pair: Pair, id: string): Promise<any> {
  const [source] = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
    $select: 'InvoiceID,AmountFC,AmountFCExclVat,VATAmountFC',
    $filter: `InvoiceID eq guid'${id}'`,
  });
  const sent = byRef(await pair.invoices(), id);
  expect(sent, id).toBeDefined();
  const cents = (v: number) => Math.round(v * 100);
  expect(cents(sent.amountExclVat)).toBe(cents(source.AmountFCExclVat));
  expect(cents(sent.vatAmount)).toBe(cents(source.VATAmountFC));
  expect(cents(sent.amountInclVat)).toBe(cents(source.AmountFC));
  return sent;
}

async function runOrders(pair: Pair) {
  const run = await pair.run();
  expect(run.state, (await pair.deadLetters()).join('\n')).toBe('succeeded');
  expect(run.counts.deadLettered, (await pair.deadLetters()).join('\n')).toBe(0);
  return run;
}

describe.each(testDialects)('orders flow, reusing what the pair knows (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('sends one order of a known customer with known articles in one Asperion call, and updates a changed customer once', async () => {
    const p = (pair = await startPair(dialect));
    await runOrders(p);
    const [item, other] = await p.exact('bulk/Logistics/Items', { $select: 'ID,Code', $top: '2' });
    const lines = [
      { Item: item.ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' },
      { Item: other.ID, Quantity: 1, UnitPrice: 3.35, VATCode: 'VL' },
    ];
    await p.addExact({
      'crm/Accounts': [account(1), account(2)],
      'salesinvoice/SalesInvoices': [1, 2, 3].map((n) =>
        salesInvoice(invoiceId(n), accountId(1 + (n % 2)), lines),
      ),
    });
    expect((await runOrders(p)).counts.created).toBe(3);

    // A new run with one new order of a known customer: only the create crosses to Asperion.
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(4), accountId(1), lines)] });
    expect((await runOrders(p)).counts.created).toBe(1);
    expect(await asperionCalls(p)).toEqual(['POST /v1/salesinvoiceswithlines']);
    const sent = await expectSameTotals(p, invoiceId(4));
    expect(sent.debtorCustomerNumber).toBe(byRef(await p.invoices(), invoiceId(2)).debtorCustomerNumber);

    // The customer moved in Exact: its debtor is updated once, with no search, then costs nothing again.
    await p.addExact({ 'crm/Accounts': [account(1, { AddressLine1: 'Nieuwegracht 7' })] });
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(5), accountId(1), lines)] });
    await runOrders(p);
    const calls = await asperionCalls(p);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^(PUT|PATCH) \/v1\/debtors\/\d+$/);
    expect(calls[1]).toBe('POST /v1/salesinvoiceswithlines');
    const debtor = (await p.list('debtors')).find((d) => d.emailAddress === 'vast1@reuse.example.nl');
    expect(debtor.address).toBe('Nieuwegracht 7');
    await expectSameTotals(p, invoiceId(5));

    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(6), accountId(1), lines)] });
    await runOrders(p);
    expect(await asperionCalls(p)).toEqual(['POST /v1/salesinvoiceswithlines']);
  });

  it('posts an order on the debtor the customers flow linked to the Exact account, without searching for it', async () => {
    const p = (pair = await startPair(dialect));
    await fetch(`${p.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minutelyLimit: 10_000 }),
    });
    await runOrders(p);
    const created = await p.asperion.call('POST', '/v1/debtors', {
      headers: { 'x-tenant-id': '1' },
      body: {
        name: 'Linked Klant',
        address: 'Domplein 1',
        postCode: '3512 JC',
        city: 'Utrecht',
        countryCode: 'NL',
        emailAddress: 'linked@reuse.example.nl',
        debtorKindId: 'PAR',
      },
    });
    expect(created.status).toBe(201);
    const h = p.fx.h;
    await upsertFlow(h.store.db, flowRow('customers', {}), h.deps.clock.now().toISOString());
    const customers = await runFlow(h.deps, { flowId: 'customers', trigger: 'manual' });
    expect(customers.state).toBe('succeeded');
    const [linkedAccount] = await p.exact('crm/Accounts', {
      $filter: `CodeAtSupplier eq '[koppel:${created.body.id}]'`,
      $select: 'ID',
    });
    expect(linkedAccount).toBeDefined();

    const [item] = await p.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    await clearAsperionLog(p);
    await p.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoiceId(10), linkedAccount.ID, [
          { Item: item.ID, Quantity: 1, UnitPrice: 10, VATCode: 'VH' },
        ]),
      ],
    });
    await runOrders(p);
    const calls = await asperionCalls(p);
    // Read by the id the link names; never searched for by e-mail, never created.
    expect(calls).toContain(`GET /v1/debtors/${created.body.id}`);
    expect(calls.filter((c) => c === 'GET /v1/debtors' || c === 'POST /v1/debtors')).toEqual([]);
    const sent = await expectSameTotals(p, invoiceId(10));
    expect(sent.debtorCustomerNumber).toBe(created.body.customerNumber);
  });

  it("uses the article the products flow made for the line's Exact item, without searching for it", async () => {
    const p = (pair = await startPair(dialect));
    await fetch(`${p.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minutelyLimit: 10_000 }),
    });
    await runOrders(p);
    const itemId = '0f300000-0000-4000-8000-000000000001';
    await p.addExact({
      'crm/Accounts': [account(50)],
      'logistics/Items': [
        {
          ID: itemId,
          Code: 'LINKED-1',
          Description: 'Gekoppeld artikel',
          IsSalesItem: true,
          SalesVatCode: 'VH',
        },
      ],
    });
    const h = p.fx.h;
    await upsertFlow(h.store.db, flowRow('products', {}), h.deps.clock.now().toISOString());
    const products = await runFlow(h.deps, { flowId: 'products', trigger: 'manual' });
    expect(products.state).toBe('succeeded');
    const article = (await p.list('articles?ActiveState=All')).find((a) => a.code === 'LINKED-1');
    expect(article).toBeDefined();

    await clearAsperionLog(p);
    await p.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoiceId(50), accountId(50), [
          { Item: itemId, Quantity: 2, UnitPrice: 4.5, VATCode: 'VH' },
        ]),
      ],
    });
    await runOrders(p);
    const calls = await asperionCalls(p);
    expect(calls).toContain(`GET /v1/articles/${article.id}`);
    expect(calls.filter((c) => c === 'GET /v1/articles' || c === 'POST /v1/articles')).toEqual([]);
    const sent = await expectSameTotals(p, invoiceId(50));
    expect(lines(sent).map((l: any) => l.articleId)).toEqual([article.id]);

    // Remembered from then on: the next order of the known customer is one call.
    await clearAsperionLog(p);
    await p.addExact({
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoiceId(51), accountId(50), [
          { Item: itemId, Quantity: 1, UnitPrice: 4.5, VATCode: 'VH' },
        ]),
      ],
    });
    await runOrders(p);
    expect(await asperionCalls(p)).toEqual(['POST /v1/salesinvoiceswithlines']);
  });

  it('finds or creates a remembered debtor again when Asperion no longer has it, and books the order right', async () => {
    const p = (pair = await startPair(dialect));
    await runOrders(p);
    const [item] = await p.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const lines = [{ Item: item.ID, Quantity: 3, UnitPrice: 7.25, VATCode: 'VH' }];
    await p.addExact({
      'crm/Accounts': [account(20)],
      'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(20), accountId(20), lines)],
    });
    await runOrders(p);

    // Asperion loses everything Koppel made (its debtors, articles and invoices): a fresh demo seed.
    await reseedAsperion(p);
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(21), accountId(20), lines)] });
    const run = await runOrders(p);
    expect(run.counts.created).toBe(1);
    // Refused for the remembered debtor, then looked up, created again and sent once more.
    const log = (await p.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests;
    const creates = log.filter(
      (r: any) => r.method === 'POST' && r.url.startsWith('/v1/salesinvoiceswithlines'),
    );
    expect(creates.map((r: any) => r.status)).toEqual([400, 201]);
    expect(await asperionCalls(p)).toContain('POST /v1/debtors');
    const sent = await expectSameTotals(p, invoiceId(21));
    const debtors = (await p.list('debtors')).filter((d) => d.emailAddress === 'vast20@reuse.example.nl');
    expect(debtors).toHaveLength(1);
    expect(sent.debtorCustomerNumber).toBe(debtors[0].customerNumber);

    // Remembered again: the next order is one call.
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(22), accountId(20), lines)] });
    await runOrders(p);
    expect(await asperionCalls(p)).toEqual(['POST /v1/salesinvoiceswithlines']);

    // Gone again, and the customer changed meanwhile: the update of the remembered debtor answers
    // 404, so it is forgotten and created again with the new address.
    await reseedAsperion(p);
    await p.addExact({ 'crm/Accounts': [account(20, { AddressLine1: 'Lange Nieuwstraat 9' })] });
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(23), accountId(20), lines)] });
    await runOrders(p);
    const log2 = (await p.asperion.call('GET', '/__sandbox/requests', { auth: false })).body.requests;
    expect(
      log2.some((r: any) => r.method === 'PUT' && r.url.startsWith('/v1/debtors/') && r.status === 404),
    ).toBe(true);
    const again = await expectSameTotals(p, invoiceId(23));
    const recreated = (await p.list('debtors')).filter((d) => d.emailAddress === 'vast20@reuse.example.nl');
    expect(recreated).toHaveLength(1);
    expect(recreated[0].address).toBe('Lange Nieuwstraat 9');
    expect(again.debtorCustomerNumber).toBe(recreated[0].customerNumber);
  });

  it('a dry run creates, updates and remembers nothing: a new debtor and article get placeholders', async () => {
    const p = (pair = await startPair(dialect));
    await runOrders(p);
    await p.addExact({
      'crm/Accounts': [account(40)],
      'logistics/Items': [
        { ID: '0f200000-0000-4000-8000-000000000001', Code: 'DRY-1', Description: 'Droog' },
      ],
      'salesinvoice/SalesInvoices': [
        salesInvoice(invoiceId(40), accountId(40), [
          { Item: '0f200000-0000-4000-8000-000000000001', Quantity: 1, UnitPrice: 10, VATCode: 'VH' },
        ]),
      ],
    });
    const remembered = async () =>
      (await p.fx.h.store.db.selectFrom('pair_memory').select('key').execute()).length;
    const before = await remembered();
    await clearAsperionLog(p);
    const dry = await dryRunFlow(p.fx.h.deps, { flowId: 'orders' });
    expect(dry.records.map((r) => [r.decision, r.error?.message])).toEqual([['create', undefined]]);
    const sent = JSON.stringify(dry.records[0]!.changes);
    expect(sent).toContain('(would create debtor vast40@reuse.example.nl)');
    expect((await asperionCalls(p)).filter((c) => !c.startsWith('GET '))).toEqual([]);
    expect(await remembered()).toBe(before);
  });

  it("reads Asperion's VAT codes once per refresh interval, not every run", async () => {
    // Journal entries need the VAT codes' rates on every order.
    const p = (pair = await startPair(dialect, {
      settings: { orderType: 'journalEntry', vatCodesRefreshMinutes: 60 },
    }));
    await runOrders(p);
    const [item] = await p.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const lines = [{ Item: item.ID, Quantity: 1, UnitPrice: 10, VATCode: 'VH' }];
    await p.addExact({
      'crm/Accounts': [account(30)],
      'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(30), accountId(30), lines)],
    });
    await clearAsperionLog(p);
    await runOrders(p);
    const vatReads = async () => (await asperionCalls(p)).filter((c) => c === 'GET /v1/vatcodes').length;
    expect(await vatReads()).toBe(1);

    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(31), accountId(30), lines)] });
    await runOrders(p);
    expect(await asperionCalls(p)).toEqual(['POST /v1/journalentrieswithlines']);

    // An hour later they are read again.
    p.fx.clock.advance(61 * 60_000);
    await clearAsperionLog(p);
    await p.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(invoiceId(32), accountId(30), lines)] });
    await runOrders(p);
    expect(await vatReads()).toBe(1);
  });
});

/** The Asperion sandbox loses all Koppel made; the connection gets tokens that the new seed knows. */
async function reseedAsperion(p: Pair): Promise<void> {
  const seeded = await p.asperion.call('POST', '/__sandbox/seed', { auth: false, body: { seed: 'demo' } });
  expect(seeded.status).toBe(200);
  const minted = (await p.asperion.call('POST', '/__sandbox/tokens', { body: {}, auth: false })).body;
  p.asperion.token = minted.access_token;
  const h = p.fx.h;
  const now = h.deps.clock.now();
  await h.store.db
    .updateTable('connections')
    .set({
      credentials: h.deps.box.encryptJson({
        clientSecret: defaultClientSecret,
        ...tokensToCredentials({
          accessToken: minted.access_token,
          refreshToken: minted.refresh_token,
          issuedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + minted.expires_in * 1000).toISOString(),
        }),
      }),
    })
    .where('id', '=', 'asperion')
    .execute();
}
