import { afterEach, describe, expect, it } from 'vitest';
import {
  createAsperionClientHarness,
  type AsperionClientHarness,
} from '../../testing/asperion-client-harness.js';
import { testDialects } from '../../testing/databases.js';
import type { AsperionClient } from './asperion-client.js';
import { withKoppelReference } from './koppel-reference.js';
import type { DebtorInput, SalesInvoiceInput } from './resource-types.js';

const newDebtor: DebtorInput = {
  name: 'Bakkerij De Korenschoof',
  address: 'Dorpsstraat 1',
  postCode: '1234 AB',
  city: 'Lutjebroek',
  countryCode: 'NL',
};

describe.each(testDialects)('typed Asperion resources against the sandbox on %s', (dialect) => {
  let t: AsperionClientHarness;
  afterEach(async () => t?.close());

  async function setUp(): Promise<AsperionClient> {
    t = await createAsperionClientHarness(dialect);
    const c = await t.client();
    await t.clearLog();
    return c;
  }
  const today = () => t.h.clock.now().toISOString().slice(0, 10);
  const invoice = async (c: AsperionClient, description: string): Promise<SalesInvoiceInput> => {
    const debtor = (await c.debtors.list({ Blocked: false }))[0]!;
    return {
      date: today(),
      journalId: '70',
      debtorCustomerNumber: debtor.customerNumber,
      description,
      lines: [
        { description: 'Roggebrood', amount: 1010n, ledgerAccountId: 8000, vatCode: 'H21' },
        { description: 'Krentenbollen', amount: 20n, ledgerAccountId: 8010, vatCode: 'L9' },
      ],
    };
  };

  it('reads every reference resource typed, with string and number ids as the reference says, sending the tenant on every call', async () => {
    const c = await setUp();
    const [journals, vatCodes, ledger, kinds, methods, conditions, centres, units, types, admins] =
      await Promise.all([
        c.journals.list(),
        c.vatCodes.list(),
        c.ledgerAccounts.list(),
        c.debtorKinds.list(),
        c.paymentMethods.list(),
        c.paymentConditions.list(),
        c.costCenters.list(),
        c.costUnits.list(),
        c.salesTypes.list(),
        c.administrations.list(),
      ]);
    expect(journals.find((j) => j.id === '70')).toMatchObject({ type: 'Sales' });
    expect(vatCodes.find((v) => v.id === 'L6')).toMatchObject({ percentage: 6, validUntil: '2018-12-31' });
    expect(ledger.find((a) => a.id === 8000)).toMatchObject({ vatCode: 'H21', disabled: false });
    for (const rows of [kinds, methods]) expect(rows.every((r) => typeof r.id === 'string')).toBe(true);
    for (const rows of [conditions, centres, units, types, admins, ledger])
      expect(rows.length > 0 && rows.every((r) => typeof r.id === 'number')).toBe(true);
    const articles = await c.articles.list({ ActiveState: 'All' });
    expect(articles.every((a) => typeof a.salesPrice === 'bigint')).toBe(true);
    const log = await t.log();
    expect(log.length).toBeGreaterThanOrEqual(11);
    for (const r of log) expect(r.headers['x-tenant-id']).toBe('1');
  });

  it('writes exact cents as JSON numbers and reads totals back exactly; a draft has no number until it is finalised', async () => {
    const c = await setUp();
    const input = await invoice(c, 'Weekbestelling');
    expect(JSON.stringify(c.salesInvoices.encode(input))).toContain('"amount":10.1,');
    const created = await c.salesInvoices.create(input);
    expect(created).toMatchObject({ invoiceNumber: null, status: 1, date: today() });
    // 10.10 × 21 % = 2.121 → 2.12; 0.20 × 9 % = 0.018 → 0.02: rounded per line, summed in cents.
    expect(created.lines.map((l) => l.vatAmount)).toEqual([212n, 2n]);
    expect([created.amountExclVat, created.vatAmount, created.amountInclVat]).toEqual([1030n, 214n, 1244n]);
    const big = await c.salesInvoices.create({
      ...input,
      lines: [{ amount: 123_456_789_012_34n, ledgerAccountId: 8020, vatCode: 'VL' }],
    });
    expect((await c.salesInvoices.get(big.id)).amountInclVat).toBe(123_456_789_012_34n);
    await expect(
      c.salesInvoices.create({
        ...input,
        lines: [{ amount: 10n ** 15n, ledgerAccountId: 8000, vatCode: 'H21' }],
      }),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'asperion.amount_too_large' });
    await expect(c.salesInvoices.create({ ...input, date: '2026-02-30' })).rejects.toMatchObject({
      code: 'asperion.bad_date',
    });

    const finalised = await t.sandbox.call(
      'POST',
      `/__sandbox/administrations/1/salesinvoices/${created.id}/finalise`,
      { auth: false },
    );
    expect(finalised.status).toBe(200);
    const read = await c.salesInvoices.get(created.id);
    expect(read.invoiceNumber).toMatch(/^\d{4}-\d{4}$/);
    expect(read.status).toBe(6);
    const header = await c.salesInvoiceHeaders.get(created.id);
    expect(header.amountInclVat).toBe(1244n);
  });

  it('validateOnly on every create and update writes nothing, and answers the would-be object without id', async () => {
    const c = await setUp();
    const counts = async () =>
      Promise.all([
        c.debtors.count(),
        c.articles.count({ ActiveState: 'All' }),
        c.salesInvoices.count(),
        c.journalEntries.count(),
        c.salesOrders.count(),
      ]);
    const before = await counts();
    const debtor = await c.debtors.create(newDebtor, { validateOnly: true });
    expect(debtor).toMatchObject({ name: newDebtor.name });
    expect((debtor as { id?: unknown }).id ?? null).toBeNull();
    await c.articles.create(
      { code: 'VO-1', description: 'Proef', salesTypeId: 1, salesPrice: 250n },
      { validateOnly: true },
    );
    const wouldBe = await c.salesInvoices.create(await invoice(c, 'dry run'), { validateOnly: true });
    expect(wouldBe?.amountInclVat).toBe(1244n);
    await c.journalEntries.create(
      {
        journalId: '90',
        date: today(),
        lines: [
          { amount: 1000n, ledgerAccountId: 4000 },
          { amount: -1000n, ledgerAccountId: 1100 },
        ],
      },
      { validateOnly: true },
    );
    const article = (await c.articles.list())[0]!;
    await c.salesOrders.create(
      { date: today(), debtorCustomerNumber: '1', lines: [{ articleId: article.id, quantity: 2.5 }] },
      { validateOnly: true },
    );
    const existing = (await c.debtors.list())[0]!;
    const changed = await c.debtors.update(
      existing.id,
      { emailAddress: 'nieuw@example.nl' },
      { validateOnly: true },
    );
    expect(changed?.emailAddress).toBe('nieuw@example.nl');
    expect(await counts()).toEqual(before);
    expect((await c.debtors.get(existing.id)).emailAddress).toBe(existing.emailAddress);
    const posts = (await t.log()).filter((r) => r.method !== 'GET');
    expect(posts).toHaveLength(6);
    for (const r of posts) expect(r.url).toContain('validateOnly=true');
  });

  it('updates a debtor: only the named fields change and dateLastChange moves', async () => {
    const c = await setUp();
    const created = await c.debtors.create({ ...newDebtor, emailAddress: 'oud@example.nl' });
    await t.sandbox.call('POST', '/__sandbox/clock/advance', { body: { seconds: 5 }, auth: false });
    const updated = await c.debtors.update(created.id, { emailAddress: 'nieuw@example.nl', comments: null });
    expect(updated).toMatchObject({ name: newDebtor.name, emailAddress: 'nieuw@example.nl', comments: null });
    expect(updated.dateLastChange! > created.dateLastChange!).toBe(true);
  });

  it('refuses an unbalanced journal entry before sending it, naming the difference in euros', async () => {
    const c = await setUp();
    const entry = {
      journalId: '90',
      date: today(),
      description: withKoppelReference('Afschrijving', 'je-1'),
      lines: [
        { amount: 10_000n, ledgerAccountId: 4100 },
        { amount: -9_999n, ledgerAccountId: 1100 },
      ],
    };
    await expect(c.journalEntries.create(entry)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'asperion.unbalanced',
      message: expect.stringContaining('€ 0.01 more debit than credit'),
      details: { fields: { lines: [expect.stringContaining('0.01')] }, difference: '0.01' },
    });
    await expect(c.journalEntries.create({ ...entry, lines: [entry.lines[0]!] })).rejects.toMatchObject({
      code: 'asperion.unbalanced',
    });
    expect(await t.log()).toEqual([]);
    const balanced = await c.journalEntries.create({
      ...entry,
      lines: [entry.lines[0]!, { amount: -10_000n, ledgerAccountId: 1100 }],
    });
    expect(balanced.lines.map((l) => l.amount)).toEqual([10_000n, -10_000n]);
    expect(balanced.lines[0]!.bookingDate).toBe(today());
    expect((await c.find.journalEntryByReference('je-1'))?.id).toBe(balanced.id);
  });

  it('keeps the field messages of a refused typed create, with the line they are about', async () => {
    const c = await setUp();
    const input = await invoice(c, 'fout');
    await expect(
      c.salesInvoices.create({ ...input, lines: [{ amount: 100n, ledgerAccountId: 8000, vatCode: 'L6' }] }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      code: 'asperion.validation',
      details: { status: 400, fields: { 'lines[0].VatCode': [expect.stringContaining('L6')] } },
    });
  });

  it('gates sales orders on the inTrade package, switched through the control API', async () => {
    const c = await setUp();
    const article = (await c.articles.list())[0]!;
    const order = await c.salesOrders.create({
      date: today(),
      debtorCustomerNumber: '1',
      description: withKoppelReference('Webshop', 'order-77'),
      lines: [{ articleId: article.id, quantity: 2.5, price: 1999n }],
    });
    expect(order.amountExclVat).toBe(4998n); // 2.5 × 19.99 = 49.975 → 49.98
    expect((await c.find.salesOrderByReference('order-77'))?.id).toBe(order.id);
    await t.sandbox.call('PUT', '/__sandbox/administrations/1/packages', {
      body: { inTrade: false },
      auth: false,
    });
    await expect(c.salesOrders.list()).rejects.toMatchObject({ kind: 'invalid', code: 'asperion.forbidden' });
    const second = await t.client({ administrationId: 2 });
    await expect(second.find.salesOrderByReference('order-77')).rejects.toMatchObject({
      code: 'asperion.forbidden',
    });
    expect(await c.debtors.count()).toBeGreaterThan(0);
  });

  it('finds by natural key: customer number, e-mail, article code, reference; none is null, several a conflict', async () => {
    const c = await setUp();
    const seeded = (await c.debtors.list())[0]!;
    expect((await c.find.debtorByCustomerNumber(seeded.customerNumber))?.id).toBe(seeded.id);
    expect(await c.find.debtorByCustomerNumber('999999')).toBeNull();
    expect((await c.find.debtorByEmail(seeded.emailAddress!.toUpperCase()))?.id).toBe(seeded.id);
    expect(await c.find.debtorByEmail('niemand@example.nl')).toBeNull();
    await c.debtors.create({ ...newDebtor, emailAddress: 'gedeeld@example.nl' });
    await c.debtors.create({ ...newDebtor, emailAddress: 'gedeeld@example.nl' });
    await expect(c.find.debtorByEmail('gedeeld@example.nl')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'asperion.ambiguous',
    });

    const inactive = await c.articles.create({
      code: 'Oud-1',
      description: 'Oud',
      salesTypeId: 1,
      active: false,
    });
    expect((await c.find.articleByCode('OUD-1'))?.id).toBe(inactive.id);
    expect(await c.find.articleByCode('OUD')).toBeNull();

    const input = await invoice(c, '');
    const mine = await c.salesInvoices.create({
      ...input,
      description: withKoppelReference('Order 1001', 'shop-1001'),
    });
    await c.salesInvoices.create({ ...input, description: withKoppelReference('Order 10011', 'shop-10011') });
    expect((await c.find.salesInvoiceByReference('shop-1001'))?.id).toBe(mine.id);
    expect(await c.find.salesInvoiceByReference('shop-100')).toBeNull();
    await c.salesInvoices.create({ ...input, description: withKoppelReference('again', 'shop-1001') });
    await expect(c.find.salesInvoiceByReference('shop-1001')).rejects.toMatchObject({
      code: 'asperion.ambiguous',
      details: { ids: [mine.id, expect.any(Number)] },
    });
  });

  it('finds many invoices by reference in one listing of what changed since, and says when one has two', async () => {
    const c = await setUp();
    const input = await invoice(c, '');
    const create = (ref: string) =>
      c.salesInvoices.create({ ...input, description: withKoppelReference(`Order ${ref}`, ref) });
    await create('shop-old');
    t.sandbox.clock.advance(3 * 3_600_000);
    const since = t.sandbox.clock.now();
    const a = await create('shop-a');
    const b = await create('shop-b');
    await c.salesInvoices.create({ ...input, description: 'Handmatig shop-c' });
    await t.clearLog();

    const found = await c.find.salesInvoicesByReferences(['shop-a', 'shop-b', 'shop-c', 'shop-old'], since);
    // Created before `since` (less the margin), shop-old is not what the listing is for.
    expect(new Map([...found].map(([k, v]) => [k, v.id]))).toEqual(
      new Map([
        ['shop-a', a.id],
        ['shop-b', b.id],
      ]),
    );
    const calls = (await t.log()).filter((r) => r.url.startsWith('/v1/salesinvoiceswithlines'));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toContain('DateLastChange_from=');

    await create('shop-a');
    await expect(c.find.salesInvoicesByReferences(['shop-a', 'shop-b'], since)).rejects.toMatchObject({
      code: 'asperion.ambiguous',
      details: { ids: [a.id, expect.any(Number)] },
    });
  });
});
