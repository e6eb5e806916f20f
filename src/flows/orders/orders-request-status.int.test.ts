import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

describe.each(testDialects)('the request step of an orders record (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect);
    await pair.run();
    // Asperion's other documented success status for a create: only a status read off the answer shows it.
    const set = await pair.asperion.call('PUT', '/__sandbox/settings', {
      body: { createStatus: 200 },
      auth: false,
    });
    expect(set.status).toBeLessThan(300);
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const account = {
      ID: '0d000000-0000-4000-8000-00000000a001',
      Name: 'Statusklant',
      Email: 'status@orders.example.nl',
      AddressLine1: 'Dorpsstraat 1',
      Postcode: '1234 AB',
      City: 'Utrecht',
      Country: 'NL',
      Status: 'C',
    };
    const invoice = {
      InvoiceID: '0e000000-0000-4000-8000-00000000a001',
      Journal: '70',
      OrderedBy: account.ID,
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 1, UnitPrice: 9.95, VATCode: 'VH' }],
    };
    await pair.addExact({ 'crm/Accounts': [account], 'salesinvoice/SalesInvoices': [invoice] });
  }, 30_000);
  afterAll(() => pair?.close());

  it('shows the status Asperion answered the create with', async () => {
    const run = await pair.run();
    expect(run.counts.created, (await pair.deadLetters()).join('\n')).toBe(1);
    const row = await pair.fx.h.store.db
      .selectFrom('records')
      .select(['request', 'timeline'])
      .where('source_id', '=', '0e000000-0000-4000-8000-00000000a001')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.request!)).toEqual({
      method: 'POST',
      url: '/v1/salesinvoiceswithlines',
      status: 200,
    });
    const steps = JSON.parse(row.timeline) as Array<{ step: string; detail?: string }>;
    expect(steps.find((s) => s.step === 'responded')?.detail).toBe('200');
  });
});
