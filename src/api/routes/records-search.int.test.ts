import { afterEach, describe, expect, it } from 'vitest';
import { productRegistry } from '../../registry.js';
import { startApiHarness, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { addOrders, ids } from '../../testing/orders-test-fixture.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

describe.each(testDialects)('finding an order in the activity log (%s)', (dialect) => {
  let pair: Pair | undefined;
  let h: ApiHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await pair?.close();
    h = undefined;
    pair = undefined;
  });

  it('finds a real orders run by invoice number and by customer e-mail, each named as people know it', async () => {
    pair = await startPair(dialect);
    await addOrders(pair);
    const run = await pair.run();
    expect(run.counts.created).toBeGreaterThan(0);
    const [invoice] = await pair.exact('bulk/SalesInvoice/SalesInvoices', {
      $select: 'InvoiceID,InvoiceNumber',
      $filter: `InvoiceID eq guid'${ids.discounted}'`,
    });
    const number = String(invoice.InvoiceNumber);
    expect(number).toMatch(/^\d+$/);

    h = await startApiHarness(dialect, { database: pair.fx.h.tdb, registry: productRegistry });
    const viewer = await h.signedIn('viewer');
    const byNumber = await viewer.get(`/api/records?q=${number}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.items).toEqual([
      expect.objectContaining({
        sourceId: ids.discounted,
        flowId: 'orders',
        state: 'created',
        label: `Exact sales invoice ${number} (InvoiceID ${ids.discounted})`,
      }),
    ]);

    // Jan de Vries has two invoices, found by his e-mail in any case.
    const byEmail = await viewer.get(`/api/records?q=${encodeURIComponent('Jan.DeVries@Example.nl')}`);
    expect(byEmail.body.items.map((r: any) => r.sourceId).sort()).toEqual(
      [ids.discounted, ids.missing].sort(),
    );
    for (const r of byEmail.body.items) expect(r.label).toMatch(/^Exact sales invoice \d+ \(InvoiceID /);
    const ofRun = await viewer.get(`/api/records?q=jan.devries&run=${run.runId}&state=created`);
    expect(ofRun.body.items).toHaveLength(2);
    const scoped = await h.withToken('viewer', { pairScope: ['elsewhere'] });
    expect((await scoped.get(`/api/records?q=${number}`)).body.items).toEqual([]);

    // The orders kind's settings, as a form would get them: defaults and descriptions.
    const kinds = (await viewer.get('/api/flow-kinds')).body.items;
    const orders = kinds.find((k: any) => k.name === 'orders');
    expect(orders).toMatchObject({ direction: 'Exact Online → Asperion', webhooks: true });
    expect(orders.settingsSchema.properties.orderType).toMatchObject({
      default: 'salesInvoice',
      description: expect.stringContaining('draft sales invoice'),
    });
  });
});
