import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';
import { ordersSettingsSchema } from './settings.js';

const account = {
  ID: '0d000000-0000-4000-8000-00000000b001',
  Name: 'Startdatum BV',
  Email: 'boekhouding@startdatum.example.nl',
  AddressLine1: 'Stationsplein 4',
  Postcode: '3511 ED',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
};
const before = '0e000000-0000-4000-8000-00000000b001';
const onTheDay = '0e000000-0000-4000-8000-00000000b002';

describe.each(testDialects)('orders from a start date on (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect);
    await pair.run();
    // The sandbox dates an invoice by its clock (2026-03-10): one today, one the next day.
    await pair.setSettings({ documentsFrom: '2026-03-11' });
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const line = { Item: item.ID, Quantity: 1, UnitPrice: 20, VATCode: 'VH' };
    await pair.addExact({
      'crm/Accounts': [account],
      'salesinvoice/SalesInvoices': [salesInvoice(before, account.ID, [line])],
    });
    pair.fx.clock.advance(24 * 3_600_000);
    await pair.addExact({ 'salesinvoice/SalesInvoices': [salesInvoice(onTheDay, account.ID, [line])] });
  }, 30_000);
  afterAll(() => pair?.close());

  it('sends a document dated on the day, and skips one dated before it with the reason', async () => {
    const run = await pair.run();
    expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({ created: 1, skipped: 1 });
    const refs = (await pair.invoices()).map((i) => String(i.description));
    expect(refs.some((d) => d.includes(onTheDay))).toBe(true);
    expect(refs.some((d) => d.includes(before))).toBe(false);
    const skipped = await pair.fx.h.store.db
      .selectFrom('records')
      .select(['state', 'timeline'])
      .where('source_id', '=', before)
      .executeTakeFirstOrThrow();
    expect(skipped.state).toBe('skipped');
    expect(skipped.timeline).toContain('dated 2026-03-10, before 2026-03-11');
  });

  it('refuses a start date that is not a date, naming the setting', () => {
    const problems = ordersSettingsSchema.safeParse({ documentsFrom: '2026-02-30' });
    expect(problems.success).toBe(false);
    expect(problems.error?.issues.map((i) => i.path.join('.'))).toEqual(['documentsFrom']);
    expect(ordersSettingsSchema.parse({}).documentsFrom).toBeNull();
  });
});
