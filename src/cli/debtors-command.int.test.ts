import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../engine/replay.js';
import { productRegistry } from '../registry.js';
import { testDialects } from '../testing/databases.js';
import { byRef, startPair, type Pair } from '../testing/flow-test-pair.js';
import { salesInvoice } from '../testing/orders-test-fixture.js';
import { runKoppel } from '../testing/run-koppel.js';

const accountId = (n: number) => `0e000000-0000-4000-8000-00000000000${n}`;
const invoiceId = (n: number) => `0e100000-0000-4000-8000-00000000000${n}`;
const account = (n: number, name: string) => ({
  ID: accountId(n),
  Code: String(7000 + n),
  Name: name,
  Email: 'info@zelfde-adres.example.nl',
  AddressLine1: `Markt ${n}`,
  Postcode: '5211 JV',
  City: "'s-Hertogenbosch",
  Country: 'NL',
  Status: 'C',
});

describe.each(testDialects)('koppel debtors on %s', (dialect) => {
  let pair: Pair;
  const koppel = (...args: string[]) =>
    runKoppel(pair.fx.h, args, { registry: productRegistry, clock: pair.fx.clock });
  beforeAll(async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
  }, 60_000);
  afterAll(() => pair?.close());

  it('chooses the debtor of an ambiguous account, lists and forgets the choice, and the replay books it there', async () => {
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const invoice = (n: number) =>
      salesInvoice(invoiceId(n), accountId(n), [{ Item: item.ID, Quantity: 1, UnitPrice: 5, VATCode: 'VH' }]);
    await pair.addExact({
      'crm/Accounts': [account(1, 'Slagerij Van Dijk'), account(2, 'Van Dijk Catering')],
      'salesinvoice/SalesInvoices': [invoice(1)],
    });
    await pair.run();
    await pair.addExact({ 'salesinvoice/SalesInvoices': [invoice(2)] });
    expect((await pair.run()).counts).toMatchObject({ deadLettered: 1 });
    const debtor = (
      await pair.asperion.call('POST', '/v1/debtors', {
        body: {
          name: 'Van Dijk Catering',
          address: 'Markt 2',
          postCode: '5211 JV',
          city: 'Den Bosch',
          countryCode: 'NL',
        },
        headers: { 'x-tenant-id': '1' },
      })
    ).body;

    const missing = await koppel('debtors', 'choose', 'orders', '--account', '7002');
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toContain('--debtor');
    expect((await koppel('debtors', 'choose', 'nope', '--account', '7002', '--debtor', '1')).code).toBe(3);

    const chosen = await koppel(
      'debtors',
      'choose',
      'orders',
      '--account',
      '7002',
      '--debtor',
      debtor.customerNumber,
    );
    expect(chosen.code).toBe(0);
    expect(chosen.out).toBe(
      `Orders of Exact account 7002 go on Asperion debtor ${debtor.customerNumber} from now on; replay its dead letters with \`koppel replay --flow orders --code orders.ambiguous_debtor\`.\n`,
    );
    const table = await koppel('debtors', 'choices', 'orders');
    expect(table.out).toMatch(
      new RegExp(`^ACCOUNT\\s+DEBTOR\\s+CHOSEN AT\\s+BY\\n[- ]+\\n7002\\s+${debtor.customerNumber}\\s+2026-`),
    );
    const json = JSON.parse((await koppel('debtors', 'choices', 'orders', '--json')).out);
    expect(json).toEqual([expect.objectContaining({ account: '7002', debtor: debtor.customerNumber })]);

    await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'orders' }, mode: 'as-was' });
    expect(byRef(await pair.invoices(), invoiceId(2)).debtorCustomerNumber).toBe(debtor.customerNumber);

    expect(await koppel('debtors', 'forget', 'orders', '--account', '7002')).toMatchObject({ code: 0 });
    expect((await koppel('debtors', 'forget', 'orders', '--account', '7002')).code).toBe(3);
    expect((await koppel('debtors', 'choices', 'orders')).out).toBe('No debtor choices for orders.\n');
  });
});
