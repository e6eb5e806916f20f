import { afterEach, describe, expect, it } from 'vitest';
import {
  createAsperionClientHarness,
  type AsperionClientHarness,
} from '../../testing/asperion-client-harness.js';
import { testDialects } from '../../testing/databases.js';
import type { AsperionClient } from './asperion-client.js';
import type { ChangeCheckpoint } from './changed-since.js';
import type { Debtor, DebtorInput } from './resource-types.js';

const debtor = (name: string): DebtorInput => ({
  name,
  address: 'Kerkstraat 2',
  postCode: '2000 AA',
  city: 'Haarlem',
  countryCode: 'NL',
});

describe.each(testDialects)('polling Asperion for changes on %s', (dialect) => {
  let t: AsperionClientHarness;
  afterEach(async () => t?.close());

  const advance = (seconds: number) =>
    t.sandbox.call('POST', '/__sandbox/clock/advance', { body: { seconds }, auth: false });

  it('delivers every change exactly once: between polls, in the checkpoint’s own second, across pages of one second, and after a long pause', async () => {
    t = await createAsperionClientHarness(dialect);
    const c: AsperionClient = await t.client();
    const delivered: Debtor[] = [];
    let checkpoint: ChangeCheckpoint | null = null;
    const poll = async (pageSize = 5) => {
      const batch = await c.changedSince(c.debtors, checkpoint, { pageSize });
      // The checkpoint goes through JSON, as a stored cursor would.
      checkpoint = JSON.parse(JSON.stringify(batch.checkpoint)) as ChangeCheckpoint;
      delivered.push(...batch.rows);
      return batch.rows.map((r) => r.name).sort();
    };

    const everything = (await c.debtors.list()).map((d) => d.name).sort();
    expect(await poll()).toEqual(everything);
    expect(await poll()).toEqual([]);

    // Same second as the checkpoint: a new row, then a second change to it and another new row.
    const a = await c.debtors.create(debtor('A'));
    expect(await poll()).toEqual(['A']);
    await c.debtors.update(a.id, { name: 'A2' });
    await c.debtors.create(debtor('B'));
    expect(await poll()).toEqual(['A2', 'B']);
    expect(await poll()).toEqual([]);

    await advance(10);
    await c.debtors.create(debtor('C'));
    const seeded = await c.debtors.get(1);
    await c.debtors.update(seeded.id, { name: 'D' });
    expect(await poll()).toEqual(['C', 'D']);

    // Seven changes in one second read two a page: the keyset stays on that second, page by page.
    await advance(1);
    for (const name of ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7']) await c.debtors.create(debtor(name));
    expect(await poll(2)).toEqual(['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7']);

    // Longer than the overlap: nothing is reread, and the new change still arrives.
    await advance(3600);
    await c.debtors.create(debtor('E'));
    expect(await poll()).toEqual(['E']);
    expect(await poll()).toEqual([]);

    const keys = delivered.map((d) => `${d.id}@${d.dateLastChange}:${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(checkpoint!.since).toBe(delivered.at(-1)!.dateLastChange);
    // Only the overlap's keys are kept, not every row ever seen.
    expect(checkpoint!.seen).toHaveLength(1);
  });

  it('picks up sales invoices created, finalised and paid as changes', async () => {
    t = await createAsperionClientHarness(dialect);
    const c = await t.client();
    const { checkpoint } = await c.changedSince(c.salesInvoices, null);
    const customer = (await c.debtors.list({ Blocked: false }))[0]!;
    await advance(2);
    const created = await c.salesInvoices.create({
      date: t.h.clock.now().toISOString().slice(0, 10),
      journalId: '70',
      debtorCustomerNumber: customer.customerNumber,
      lines: [{ amount: 5000n, ledgerAccountId: 8000, vatCode: 'H21' }],
    });
    const first = await c.changedSince(c.salesInvoices, checkpoint);
    expect(first.rows.map((r) => [r.id, r.status])).toEqual([[created.id, 1]]);
    await advance(2);
    await t.sandbox.call('POST', `/__sandbox/administrations/1/salesinvoices/${created.id}/finalise`, {
      auth: false,
    });
    const second = await c.changedSince(c.salesInvoices, first.checkpoint);
    expect(second.rows.map((r) => [r.id, r.status])).toEqual([[created.id, 6]]);
    expect(second.rows[0]!.invoiceNumber).toBeTruthy();
    const third = await c.changedSince(c.salesInvoices, second.checkpoint);
    expect(third.rows).toEqual([]);
  });
});
