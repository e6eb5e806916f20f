import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import type { Account, SalesOrder } from './entities.generated.js';
import { ExactClient } from './exact-client.js';
import { expanded } from './exact-values.js';
import { filterOn, lit } from './odata-query.js';

/** Checked by the type checker (`npm test` runs tsc); never called. */
export function compileTimeChecks(client: ExactClient) {
  // @ts-expect-error Accounts have no YourRef
  void client.typed.list('crm/Accounts', { select: ['YourRef'] });
  // @ts-expect-error Name is mandatory on POST
  void client.typed.create('crm/Accounts', { Code: '1' });
  // @ts-expect-error Blocked is a Boolean
  void client.typed.update('crm/Accounts', 'id', { Blocked: 'yes' });
  // @ts-expect-error a path the endpoint map does not know cannot be deleted
  void client.typed.remove('crm/Nope', 'id');
  // Paths the map does not know (yet) read through the untyped calls, with an explicit row type.
  const sync: AsyncGenerator<Array<{ Timestamp: string }>> = client.pages<{ Timestamp: string }>(
    'sync/CRM/Accounts',
    { select: ['Timestamp'] },
  );
  return sync;
}

const a = filterOn<Account>();
const o = filterOn<SalesOrder>();

describe.each(testDialects)('typed reads, finders and errors against the Exact sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  async function setUp(seed: 'demo' | 'empty' = 'empty') {
    x = await startExactFixture(dialect, { seed, claimedLifetimeMs: 86_400_000 });
    return new ExactClient(await x.context(), x.app, x.division);
  }

  it('sends typed filters, selects and orderings the sandbox accepts', async () => {
    const client = await setUp();
    const names = ["Bakkerij Van 't Hof", 'Bakkerij De Korrel', 'Fietsen Delft BV', 'Molen GmbH'];
    const made: Account[] = [];
    for (const [i, Name] of names.entries())
      made.push(
        await client.typed.create('crm/Accounts', {
          Name,
          Code: String(100 + i),
          City: i < 2 ? 'Delft' : 'Gouda',
        }),
      );
    const namesOf = (rows: Array<Pick<Account, 'Name'>>) => rows.map((r) => r.Name);

    const bakers = await client.typed.list('crm/Accounts', {
      filter: a.startswith('Name', 'Bakkerij'),
      select: ['Name'],
    });
    expect(namesOf(bakers).sort()).toEqual(['Bakkerij De Korrel', "Bakkerij Van 't Hof"]);
    const quoted = await client.typed.list('crm/Accounts', {
      filter: a.and(a.substringof("'t Hof", 'Name'), a.cmp('City', 'eq', lit.string('Delft'))),
      select: ['ID', 'Name'],
    });
    expect(quoted).toEqual([expect.objectContaining({ ID: made[0]!.ID, Name: "Bakkerij Van 't Hof" })]);
    const notDelft = await client.typed.list('crm/Accounts', {
      filter: a.or(a.endswith('Name', 'GmbH'), a.not(a.cmp('City', 'eq', lit.string('Delft')))),
      select: ['Name'],
      orderBy: 'Name desc',
    });
    expect(namesOf(notDelft)).toEqual(['Molen GmbH', 'Fietsen Delft BV']);
    const byGuid = await client.typed.list('crm/Accounts', {
      filter: a.and(a.cmp('ID', 'eq', lit.guid(made[2]!.ID)), a.cmp('Blocked', 'eq', lit.boolean(false))),
      select: ['Name', 'Code'],
    });
    expect(byGuid).toEqual([
      { __metadata: expect.anything(), Name: 'Fietsen Delft BV', Code: '               102' },
    ]);
    const recent = await client.typed.list('crm/Accounts', {
      filter: a.cmp('Modified', 'ge', lit.datetime('2026-03-10T00:00:00')),
      select: ['Name'],
      orderBy: ['City', 'Name'],
    });
    expect(namesOf(recent)).toEqual([
      'Bakkerij De Korrel',
      "Bakkerij Van 't Hof",
      'Fietsen Delft BV',
      'Molen GmbH',
    ]);
    expect(
      await client.typed.list('crm/Accounts', { filter: a.cmp('Name', 'ne', lit.null()), select: ['ID'] }, 3),
    ).toHaveLength(3);
  });

  it('expands child collections and selects their fields', async () => {
    const client = await setUp('demo');
    const [order] = await client.typed.list(
      'salesorder/SalesOrders',
      {
        filter: o.cmp('OrderNumber', 'ge', lit.number(1)),
        select: ['OrderID', 'OrderNumber', 'SalesOrderLines/ItemCode', 'SalesOrderLines/AmountFC'],
        expand: ['SalesOrderLines'],
        orderBy: 'OrderNumber',
      },
      1,
    );
    const lines = expanded(order!.SalesOrderLines);
    expect(lines.length).toBeGreaterThan(0);
    expect(Object.keys(lines[0]!).sort()).toEqual(['AmountFC', 'ItemCode', '__metadata']);
    const again = await client.typed.get('salesorder/SalesOrders', order!.OrderID, {
      select: ['OrderNumber'],
    });
    expect(again.OrderNumber).toBe(order!.OrderNumber);
  });

  it('creates, reads, updates and deletes by key, typed by the endpoint map', async () => {
    const client = await setUp();
    const item = await client.typed.create('logistics/Items', {
      Code: 'FIETS-01',
      Description: 'Stadsfiets',
    });
    expect(item).toMatchObject({ Code: 'FIETS-01', Description: 'Stadsfiets' });
    await client.typed.update('logistics/Items', item.ID, { Description: 'Stadsfiets 28"' });
    expect(await client.typed.get('logistics/Items', item.ID, { select: ['Description'] })).toMatchObject({
      Description: 'Stadsfiets 28"',
    });
    expect(await client.findItemByCode('FIETS-01')).toMatchObject({
      ID: item.ID,
      Description: 'Stadsfiets 28"',
    });
    expect(await client.findItemByCode('fiets-02')).toBeNull();
    await client.typed.remove('logistics/Items', item.ID);
    await expect(client.typed.get('logistics/Items', item.ID)).rejects.toMatchObject({
      kind: 'not_found',
      code: 'exact.not_found',
      details: { status: 404, endpoint: '/api/v1/{division}/logistics/Items({id})' },
    });
  });

  it('finds accounts by padded code and by e-mail, and refuses to guess between two', async () => {
    const client = await setUp();
    const one = await client.typed.create('crm/Accounts', {
      Name: 'Een',
      Code: '25',
      Email: 'info@gedeeld.nl',
    });
    await client.typed.create('crm/Accounts', { Name: 'Twee', Code: '250', Email: 'info@gedeeld.nl' });
    await client.typed.create('crm/Accounts', { Name: 'Drie', Code: '26', Email: 'drie@example.nl' });
    // Stored right-aligned in 18 characters; an unpadded filter would not match (reference 4.5).
    expect(one.Code).toBe('                25');
    expect(await client.findAccountByCode(' 25 ', ['ID', 'Code'])).toEqual(
      expect.objectContaining({ ID: one.ID, Code: '                25' }),
    );
    expect(
      await client.typed.list('crm/Accounts', {
        filter: a.cmp('Code', 'eq', lit.string('25')),
        select: ['ID'],
      }),
    ).toEqual([]);
    expect(await client.findAccountByCode('27')).toBeNull();
    expect(() => client.findAccountByCode('25A')).toThrow(/not numeric/);
    expect(await client.findAccountByEmail('drie@example.nl')).toMatchObject({
      Name: 'Drie',
      Code: '                26',
    });
    expect(await client.findAccountByEmail('niemand@example.nl')).toBeNull();
    await expect(client.findAccountByEmail('info@gedeeld.nl')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'exact.ambiguous_match',
    });
  });

  it('finds sales orders by YourRef, and two with one YourRef are a conflict', async () => {
    const client = await setUp();
    const customer = await client.typed.create('crm/Accounts', { Name: 'Klant', Code: '1' });
    const item = await client.typed.create('logistics/Items', { Code: 'A', Description: 'Artikel' });
    const order = (ref: string) =>
      client.typed.create('salesorder/SalesOrders', {
        OrderedBy: customer.ID,
        YourRef: ref,
        SalesOrderLines: [{ Item: item.ID, Quantity: 1, UnitPrice: 10 }],
      });
    const first = await order("koppel:o'1");
    await order('koppel:dubbel');
    await order('koppel:dubbel');
    expect(await client.findSalesOrderByYourRef("koppel:o'1")).toEqual(
      expect.objectContaining({
        OrderID: first.OrderID,
        OrderNumber: first.OrderNumber,
        YourRef: "koppel:o'1",
      }),
    );
    expect(await client.findSalesOrderByYourRef('koppel:geen')).toBeNull();
    await expect(client.findSalesOrderByYourRef('koppel:dubbel')).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('finds sales invoices by YourRef and by number', async () => {
    const client = await setUp('demo');
    expect(await client.findSalesInvoiceByYourRef('koppel:no-such-invoice')).toBeNull();
    expect(await client.findSalesInvoiceByNumber(987654321)).toBeNull();
    const [invoice] = await client.typed.list(
      'salesinvoice/SalesInvoices' as never,
      { filter: 'InvoiceNumber ne null', select: ['InvoiceID', 'InvoiceNumber'] } as never,
      1,
    );
    const row = invoice as unknown as { InvoiceID: string; InvoiceNumber: number };
    expect(await client.findSalesInvoiceByNumber(row.InvoiceNumber)).toMatchObject({
      InvoiceID: row.InvoiceID,
    });
  });

  it('gives every error answer back typed, with endpoint, status and Exact’s message', async () => {
    const client = await setUp();
    await client.typed.create('crm/Accounts', { Name: 'Eerste', Code: '42' });
    await expect(client.typed.create('crm/Accounts', { Name: 'Tweede', Code: '42' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'exact.business_rule',
      message: expect.stringMatching(
        /^POST \/api\/v1\/\{division\}\/crm\/Accounts answered 500: Gegeven bestaat reeds/,
      ),
      details: {
        status: 500,
        endpoint: '/api/v1/{division}/crm/Accounts',
        providerMessage: expect.stringMatching(/Gegeven bestaat reeds/),
      },
    });
    await expect(
      client.typed.list('crm/Accounts', { filter: 'Name eq', select: ['ID'] }),
    ).rejects.toMatchObject({
      kind: 'invalid',
      code: 'exact.bad_request',
      details: { status: 400, providerMessage: 'Bad Request - Error in query syntax.' },
    });
    await expect(
      client.typed.get('crm/Accounts', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'),
    ).rejects.toMatchObject({
      kind: 'not_found',
      details: { status: 404, endpoint: '/api/v1/{division}/crm/Accounts({id})' },
    });
    const elsewhere = new ExactClient(await x.context(), x.app, 999_999);
    await expect(elsewhere.findAccountByCode('42')).rejects.toMatchObject({
      kind: 'auth',
      code: 'exact.forbidden',
      message: expect.stringContaining('(NoDivisionAccess)'),
      details: {
        status: 403,
        endpoint: '/api/v1/{division}/crm/Accounts',
        providerMessage: 'Forbidden - User division is not within division scope',
        reason: 'NoDivisionAccess',
      },
    });
  });
});
