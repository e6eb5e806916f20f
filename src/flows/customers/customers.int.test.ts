import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const debtor = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Klant ${n}`,
  address: `Dorpsstraat ${n}`,
  postCode: '3511 AA',
  city: 'Utrecht',
  countryCode: 'NL',
  emailAddress: `klant${n}@customers.example.nl`,
  paymentConditionId: 2,
  debtorKindId: 'PAR',
  ...extra,
});

async function addDebtor(pair: Pair, body: Record<string, unknown>): Promise<any> {
  const res = await pair.asperion.call('POST', '/v1/debtors', { body, headers: { 'x-tenant-id': '1' } });
  if (res.status !== 201) throw new Error(`debtor refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function changeDebtor(pair: Pair, id: number, body: Record<string, unknown>): Promise<void> {
  const res = await pair.asperion.call('PUT', `/v1/debtors/${id}`, { body, headers: { 'x-tenant-id': '1' } });
  if (res.status >= 300) throw new Error(`debtor change refused: ${JSON.stringify(res.body)}`);
}

/** The Exact account Koppel wrote for an Asperion debtor id. */
async function accountOf(pair: Pair, debtorId: number): Promise<any> {
  const rows = await pair.exact('crm/Accounts', { $filter: `CodeAtSupplier eq '[koppel:${debtorId}]'` });
  expect(rows).toHaveLength(1);
  return rows[0];
}

const koppelAccounts = (pair: Pair) =>
  pair.exact('crm/Accounts', { $filter: "substringof('[koppel:', CodeAtSupplier) eq true", $select: 'ID' });

describe.each(testDialects)('customers flow, Asperion → Exact (%s)', (dialect) => {
  let pair: Pair;
  let company: any;
  let person: any;
  let existing: any;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
    // The tests' own reads share Exact's minute with the flow: the limit is not what is tested here.
    await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minutelyLimit: 10_000 }),
    });
    // An account someone made in Exact before Koppel: the debtor with its e-mail is linked to it.
    await pair.writeExact('POST', 'crm/Accounts', {
      Name: 'Bestaande Klant',
      Email: 'bestaand@customers.example.nl',
      Status: 'P',
      Remarks: 'made in Exact',
      ChamberOfCommerce: '12345678',
    });
    [existing] = await pair.exact('crm/Accounts', { $filter: "Email eq 'bestaand@customers.example.nl'" });
    // The same customer's e-mail written with capitals in Exact, in lower case in Asperion.
    await pair.writeExact('POST', 'crm/Accounts', {
      Name: 'Verkoop Hoofdletters',
      Email: 'Verkoop@Customers.Example.nl',
      Status: 'C',
    });
    company = await addDebtor(
      pair,
      debtor(1, {
        name: 'Fietsen Müller GmbH',
        attentionTo: 'Anna de Vries',
        countryCode: 'DE',
        vatNumber: 'DE123456789',
        city: 'Berlin',
        postCode: '10115',
        debtorKindId: 'ZAK',
        paymentConditionId: 1,
        comments: 'first comment',
      }),
    );
    person = await addDebtor(pair, debtor(2, { name: 'Piet Jansen', countryCode: 'US' }));
    await addDebtor(
      pair,
      debtor(3, { name: 'Bestaande Klant BV', emailAddress: 'bestaand@customers.example.nl' }),
    );
    await addDebtor(pair, debtor(4, { name: 'Verkoop BV', emailAddress: 'verkoop@customers.example.nl' }));
  }, 30_000);
  afterAll(() => pair?.close());

  it('creates an account per debtor, with a main contact for a company and none for a person', async () => {
    const debtors = await pair.list('debtors');
    const result = await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    // 12 demo debtors (one blocked, still sent) and the four above; two of them linked.
    expect(debtors).toHaveLength(16);
    expect(result.counts.created).toBe(16);
    expect(await koppelAccounts(pair)).toHaveLength(14);

    const c = await accountOf(pair, company.id);
    expect(c).toMatchObject({
      Name: 'Fietsen Müller GmbH',
      Status: 'C',
      Country: 'DE',
      VATNumber: 'DE123456789',
      SalesVATCode: 'ICL',
      PaymentConditionSales: '14',
      Remarks: 'first comment',
      Email: 'klant1@customers.example.nl',
    });
    expect(c.MainContact).toBeTruthy();
    const [contact] = await pair.exact('crm/Contacts', { $filter: `ID eq guid'${c.MainContact}'` });
    expect(contact).toMatchObject({ Account: c.ID, FirstName: 'Anna', LastName: 'de Vries' });

    const p = await accountOf(pair, person.id);
    expect(p).toMatchObject({ Name: 'Piet Jansen', SalesVATCode: 'EX', PaymentConditionSales: '30' });
    expect(p.MainContact).toBeNull();
    expect(await pair.exact('crm/Contacts', { $filter: `Account eq guid'${p.ID}'` })).toEqual([]);

    // A demo debtor (Dutch, ZAK): a company without attention-to, so no contact; home VAT code.
    const demo = debtors.find((d) => d.debtorKindId === 'ZAK' && d.customerNumber !== company.customerNumber);
    expect(await accountOf(pair, demo.id)).toMatchObject({
      Name: demo.name,
      SalesVATCode: 'VH',
      Status: 'C',
    });
  });

  it('links an existing account matched by e-mail instead of duplicating it', async () => {
    const rows = await pair.exact('crm/Accounts', { $filter: "Email eq 'bestaand@customers.example.nl'" });
    expect(rows).toHaveLength(1);
    // Updated (the name is Asperion's now), its own Code and remarks (create-only) kept, no Koppel
    // key written into it, and the KvK number Asperion does not have is not cleared.
    expect(rows[0]).toMatchObject({
      ID: existing.ID,
      Code: existing.Code,
      Name: 'Bestaande Klant BV',
      Remarks: 'made in Exact',
      Status: 'C',
      ChamberOfCommerce: '12345678',
    });
    expect(rows[0].CodeAtSupplier).toBeNull();
  });

  it('links the account whose e-mail differs only in case (Verkoop@ and verkoop@): no second account', async () => {
    const accounts = await pair.exact('crm/Accounts', {
      $filter: 'Blocked eq false',
      $select: 'ID,Name,Email,CodeAtSupplier',
    });
    const verkoop = accounts.filter(
      (a: any) => String(a.Email).toLowerCase() === 'verkoop@customers.example.nl',
    );
    expect(verkoop).toHaveLength(1);
    expect(verkoop[0]).toMatchObject({ Name: 'Verkoop BV', CodeAtSupplier: null });
  });

  it('creates nothing new on a re-run', async () => {
    const before = await koppelAccounts(pair);
    const result = await pair.run();
    expect(result.counts.created ?? 0).toBe(0);
    expect(result.counts.updated ?? 0).toBe(0);
    expect(await koppelAccounts(pair)).toHaveLength(before.length);
  });

  it('sends a changed debtor as an update: never Code, create-only fields kept, contact brought in line', async () => {
    const before = await accountOf(pair, company.id);
    // Kept in Exact since: the person's own e-mail and the KvK number, which Asperion does not have.
    await pair.writeExact('PUT', `crm/Contacts(guid'${before.MainContact}')`, {
      Email: 'a.devries@mueller.example.de',
    });
    await pair.writeExact('PUT', `crm/Accounts(guid'${before.ID}')`, { ChamberOfCommerce: '87654321' });
    await changeDebtor(pair, company.id, {
      phoneNumber: '+49 30 1234567',
      comments: 'changed comment',
      attentionTo: 'Bert Smit',
    });
    const result = await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(result.counts.updated).toBe(1);
    const after = await accountOf(pair, company.id);
    expect(after).toMatchObject({ ID: before.ID, Code: before.Code, Phone: '+49 30 1234567' });
    expect(after.Remarks).toBe('first comment');
    expect(after.ChamberOfCommerce).toBe('87654321');
    expect(after.MainContact).toBe(before.MainContact);
    const [contact] = await pair.exact('crm/Contacts', { $filter: `ID eq guid'${after.MainContact}'` });
    expect(contact).toMatchObject({
      FirstName: 'Bert',
      LastName: 'Smit',
      Email: 'a.devries@mueller.example.de',
    });
  });

  it('createOnly: a changed debtor is left alone in Exact', async () => {
    await pair.setSettings({ update: 'createOnly' });
    await changeDebtor(pair, person.id, { phoneNumber: '+1 555 0100' });
    const run = await pair.run();
    expect((await accountOf(pair, person.id)).Phone).toBeNull();
    // Said as it is: skipped, with the reason, not counted as an update.
    expect(run.counts).toMatchObject({ skipped: 1, updated: 0 });
    const [skipped] = await pair.records('skipped');
    expect(skipped!.source_id).toBe(String(person.id));
    expect(skipped!.timeline).toContain('this flow creates accounts only (settings.update createOnly)');
    // And created debtors still arrive.
    const fresh = await addDebtor(pair, debtor(4));
    await pair.run();
    expect((await accountOf(pair, fresh.id)).Name).toBe('Klant 4');
    await pair.setSettings({});
  });

  it('revenue account by country and classification by debtor kind go on new accounts', async () => {
    const [gl] = await pair.exact('financial/GLAccounts', { $filter: "Code eq '8020'" });
    const classification = '0c1a5500-0000-4000-8000-000000000001';
    await pair.setSettings({
      revenueAccountByCountry: { entries: { BE: '8020' } },
      classification: { field: 'Classification2', byDebtorKind: { entries: { ZAK: classification } } },
    });
    const be = await addDebtor(pair, debtor(5, { countryCode: 'BE', debtorKindId: 'ZAK', city: 'Gent' }));
    await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(await accountOf(pair, be.id)).toMatchObject({
      GLAccountSales: gl.ID,
      Classification2: classification,
      // An EU customer without a VAT number: the home rate by default.
      SalesVATCode: 'VH',
    });
    await pair.setSettings({});
  });
  it('VAT code, revenue account and classification are defaults for new accounts unless defaultsOnUpdate', async () => {
    const x = await addDebtor(pair, debtor(8));
    await pair.run();
    expect((await accountOf(pair, x.id)).SalesVATCode).toBe('VH');
    await changeDebtor(pair, x.id, { countryCode: 'BE', vatNumber: 'BE0123456749', city: 'Gent' });
    await pair.run();
    expect(await accountOf(pair, x.id)).toMatchObject({ Country: 'BE', SalesVATCode: 'VH' });
    await pair.setSettings({ defaultsOnUpdate: true });
    await changeDebtor(pair, x.id, { city: 'Brugge' });
    await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(await accountOf(pair, x.id)).toMatchObject({ City: 'Brugge', SalesVATCode: 'ICL' });
    await pair.setSettings({});
  });

  it('makes the contact of that name an account already has its main contact instead of adding a second', async () => {
    const x = await addDebtor(
      pair,
      debtor(10, { name: 'Halfweg BV', attentionTo: 'Cor Mulder', debtorKindId: 'ZAK' }),
    );
    await pair.run();
    const before = await accountOf(pair, x.id);
    // As a crash between the contact's create and the account's MainContact leaves it.
    await pair.writeExact('PUT', `crm/Accounts(guid'${before.ID}')`, { MainContact: null });
    await changeDebtor(pair, x.id, { phoneNumber: '+31 30 7654321' });
    await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    const after = await accountOf(pair, x.id);
    expect(after.MainContact).toBe(before.MainContact);
    const contacts = await pair.exact('crm/Contacts', { $filter: `Account eq guid'${after.ID}'` });
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ FirstName: 'Cor', LastName: 'Mulder' });
  });
});

describe.each(testDialects)('customers flow matching by code or name (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers', settings: { matchBy: 'code' } });
  }, 30_000);
  afterAll(() => pair?.close());

  it('links the account whose Code is the customer number and creates the rest with it', async () => {
    await pair.writeExact('POST', 'crm/Accounts', { Code: '880001', Name: 'Oude Naam', Status: 'C' });
    const linked = await addDebtor(pair, debtor(6, { customerNumber: '880001', name: 'Nieuwe Naam' }));
    const created = await addDebtor(pair, debtor(7, { customerNumber: '880002' }));
    await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    const [a] = await pair.exact('crm/Accounts', { $filter: `Code eq '${'880001'.padStart(18, ' ')}'` });
    expect(a).toMatchObject({ Name: 'Nieuwe Naam', CodeAtSupplier: null });
    expect(await pair.exact('crm/Accounts', { $filter: "Name eq 'Oude Naam'" })).toEqual([]);
    expect((await accountOf(pair, created.id)).Code.trim()).toBe('880002');
    expect(linked.id).toBeGreaterThan(0);
    // A re-run with the codes in place sends nothing (Code is never re-sent on update either).
    const again = await pair.run();
    expect(again.counts.created ?? 0).toBe(0);
  });

  it('links by name when told to', async () => {
    await pair.setSettings({ matchBy: 'name' });
    await pair.writeExact('POST', 'crm/Accounts', { Name: 'Naamgenoot BV', Status: 'C', Phone: '010-1' });
    const x = await addDebtor(pair, debtor(9, { name: 'Naamgenoot BV', phoneNumber: '010-2' }));
    await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    const rows = await pair.exact('crm/Accounts', { $filter: "Name eq 'Naamgenoot BV'" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Phone: '010-2', CodeAtSupplier: null });
    expect(await pair.exact('crm/Accounts', { $filter: `CodeAtSupplier eq '[koppel:${x.id}]'` })).toEqual([]);
  });
});

describe.each(testDialects)('customers flow, a first load of many debtors (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
  }, 30_000);
  afterAll(() => pair?.close());

  it('reads Exact accounts once instead of a lookup per debtor, and still links and refuses as one by one', async () => {
    await pair.writeExact('POST', 'crm/Accounts', {
      Name: 'Al in Exact',
      Email: 'laat@customers.example.nl',
      Status: 'C',
    });
    // An account that already holds everything the debtor below would write: linked without a PUT.
    await pair.writeExact('POST', 'crm/Accounts', {
      Name: 'Klant 300',
      Email: 'klant300@customers.example.nl',
      AddressLine1: 'Dorpsstraat 300',
      Postcode: '3511 AA',
      City: 'Utrecht',
      Country: 'NL',
      PaymentConditionSales: '30',
      Status: 'C',
    });
    const [same] = await pair.exact('crm/Accounts', { $filter: "Email eq 'klant300@customers.example.nl'" });
    await addDebtor(pair, debtor(300));
    await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    const many = 60;
    for (let n = 100; n < 100 + many; n++) await addDebtor(pair, debtor(n));
    // Read after the 50th create: one matches the account above, two share an e-mail.
    // Its e-mail in other capitals than the account's: still the same customer.
    const late = await addDebtor(pair, debtor(200, { emailAddress: 'Laat@Customers.Example.NL' }));
    const twin = await addDebtor(pair, debtor(201, { emailAddress: 'klant100@customers.example.nl' }));
    const result = await pair.run();
    const log = (await (await fetch(`${pair.fx.url}/__sandbox/requests`)).json()) as any[];
    // 12 demo debtors, 60 new, and the late one and Klant 300 linked; the twin refused.
    expect(result.counts.created).toBe(12 + many + 2);
    expect(await pair.deadLetters()).toEqual([
      expect.stringMatching(new RegExp(`^${twin.id}: .*was created by Koppel for Asperion debtor id`)),
    ]);
    const linked = await pair.exact('crm/Accounts', { $filter: "Email eq 'laat@customers.example.nl'" });
    expect(linked).toHaveLength(1);
    expect(linked[0]).toMatchObject({ Name: late.name, CodeAtSupplier: null });
    expect(await koppelAccounts(pair)).toHaveLength(12 + many);
    // The page of 75 debtors reads the division's accounts and contacts in bulk before the first
    // create: a POST per new person, a PUT for the late one's new name, and no lookup per debtor.
    const api = log.filter((r) => r.path.startsWith('/api/v1/'));
    expect(api.filter((r) => r.method === 'POST')).toHaveLength(12 + many);
    expect(api.filter((r) => r.method === 'PUT')).toHaveLength(1);
    expect(api.filter((r) => r.path.includes(same.ID))).toEqual([]);
    expect(api.filter((r) => r.method === 'GET' && !r.path.includes('/bulk/'))).toEqual([]);
    expect(result.apiCalls['exact']).toBe(api.length);
  });
});
