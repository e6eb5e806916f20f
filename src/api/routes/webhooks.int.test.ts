import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlowId, demoIds } from '../../cli/demo/demo-setup.js';
import { defaultExactWebhookSecret } from '../../sandboxes/exact-online/credentials.js';
import { signedExactDelivery } from '../../testing/exact-webhook-sample.js';
import { testDialects } from '../../testing/databases.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../testing/service-under-test.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** Poll until `check` gives a value; the overall limit only keeps a broken build from hanging. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  limitMs = 90_000,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testDialects)('Exact webhooks start orders runs in the running service (%s)', (dialect) => {
  let s: ServiceUnderTest;
  let customer: any;
  let item: any;
  beforeAll(async () => {
    s = await startServiceUnderTest(dialect);
    [customer] = (
      await s.exact(
        'GET',
        "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C' and MainContact ne null&$top=1",
      )
    ).results;
    [item] = (await s.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1")).results;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const callback = () => `${s.service.publicUrl}/webhooks/exact/${demoIds.exact}`;
  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const createInvoice = async (description: string): Promise<string> => {
    const created = await s.exact('POST', 'salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer.ID,
      Description: description,
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' }],
    });
    return created.InvoiceID as string;
  };
  const sentCopies = async (invoiceId: string) =>
    (await s.asperionInvoices()).filter((i) => String(i.description).includes(`[koppel:${invoiceId}]`));
  const deliveriesOf = async (key: string) =>
    ((await (await fetch(`${s.sandboxes.exact.url}/__sandbox/webhooks/deliveries`)).json()) as any[]).filter(
      (d) => d.key === key,
    );

  const subscription = () =>
    eventually('the SalesInvoices subscription', async () => {
      const all = (await (
        await fetch(`${s.sandboxes.exact.url}/__sandbox/webhooks/subscriptions`)
      ).json()) as any[];
      return all.find((row) => row.Topic === 'SalesInvoices');
    });

  it('subscribes the Exact connection to SalesInvoices with a callback under KOPPEL_PUBLIC_URL', async () => {
    expect(s.service.publicUrl).toBe(s.app.config.publicUrl);
    expect(await subscription()).toMatchObject({ CallbackURL: callback(), Division: demoIds.division });
    // The sandbox lists the subscription before Koppel has its answer and logs it.
    await eventually('the log line', async () =>
      s.logLines.some((l) => l.includes('webhook subscription for SalesInvoices on connection demo-exact'))
        ? true
        : undefined,
    );
  });

  it('moves a new Exact sales invoice into Asperion on the webhook alone, in a run with trigger webhook', async () => {
    await subscription();
    const invoiceId = await createInvoice('Webhook order');
    // The run records its counts after its writes: wait for the invoice and for the run to end.
    const [sent] = await eventually('the invoice in Asperion and no run left', async () => {
      const copies = await sentCopies(invoiceId);
      return copies.length > 0 && (await s.pendingRuns()) === 0 ? copies : undefined;
    });
    expect(sent.amountExclVat).toBe(25);
    const runs = await s.runs();
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.map((r) => r.trigger)).toEqual(runs.map(() => 'webhook'));
    expect(runs.some((r) => r.state === 'succeeded' && JSON.parse(r.counts).created === 1)).toBe(true);
    expect(s.logLines.join('\n')).toMatch(
      /webhook SalesInvoices \w+ on connection demo-exact: run of demo-orders/,
    );
  });

  it('writes a record once when a burst of deliveries for it arrives, in fewer runs than deliveries', async () => {
    await subscription();
    const before = (await s.runs()).length;
    const invoiceId = await createInvoice('Burst order');
    const [delivery] = await eventually('the sandbox delivery', async () => {
      const found = await deliveriesOf(invoiceId);
      return found.length > 0 ? found : undefined;
    });
    // Exact may deliver the same change again (retries, several updates): ten more of it at once.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(callback(), delivery.body as string)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    // The same signed body again is a repeat: at most one of the eleven (the sandbox's own included) counts.
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as any[];
    expect(bodies.filter((b) => b.duplicate !== true).length).toBeLessThanOrEqual(1);
    await eventually('the invoice in Asperion and no run left', async () =>
      (await sentCopies(invoiceId)).length > 0 && (await s.pendingRuns()) === 0 ? true : undefined,
    );
    expect(await sentCopies(invoiceId)).toHaveLength(1);
    const runs = (await s.runs()).slice(before);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(11);
    expect(runs.reduce((n, r) => n + Number(JSON.parse(r.counts).created ?? 0), 0)).toBe(1);
  });

  const subscribed = (topic: string) =>
    eventually(`the ${topic} subscription`, async () => {
      const all = (await (
        await fetch(`${s.sandboxes.exact.url}/__sandbox/webhooks/subscriptions`)
      ).json()) as any[];
      return all.find((row) => row.Topic === topic && row.CallbackURL === callback());
    });
  const settled = () =>
    eventually('no run left', async () => ((await s.pendingRuns()) === 0 ? true : undefined));

  it('carries an item changed in Exact to its Asperion article on the Items webhook alone', async () => {
    await subscribed('Items');
    const [sold] = (
      await s.exact(
        'GET',
        "logistics/Items?$select=ID,Code&$filter=IsSalesItem eq true and Code ne 'VERZEND'&$top=1",
      )
    ).results;
    await s.exact('PUT', `logistics/Items(guid'${sold.ID}')`, { Description: 'Stadsfiets via webhook' });
    const article = await eventually('the article in Asperion', async () =>
      (await s.asperionList(`articles?Code=${encodeURIComponent(sold.Code)}&Code_comparison=Equals`)).find(
        (a) => a.description === 'Stadsfiets via webhook',
      ),
    );
    expect(article.code).toBe(sold.Code);
    await settled();
    const runs = await s.runs(demoFlowId('products'));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.map((r) => r.trigger)).toEqual(runs.map(() => 'webhook'));
  });

  it('reports a stock count processed in Exact on the StockPositions webhook alone', async () => {
    await subscribed('StockPositions');
    const [position] = (
      await s.exact('GET', 'inventory/ItemWarehouses?$select=Item,ItemCode,Warehouse&$top=1')
    ).results;
    const count = await s.exact('POST', 'inventory/StockCounts', {
      Warehouse: position.Warehouse,
      StockCountDate: '2026-03-10',
      Description: 'Telling via webhook',
      StockCountLines: [{ Item: position.Item, QuantityDifference: 7 }],
    });
    await s.exact('POST', 'inventory/ProcessStockCount', { StockCountID: count.StockCountID });
    const run = await eventually('a stock run that read the item', async () =>
      (await s.runs(demoFlowId('stock'))).find(
        (r) => r.state === 'succeeded' && JSON.parse(r.counts).read > 0,
      ),
    );
    expect(run.trigger).toBe('webhook');
    // Asperion's stock is read-only: the run reports the article's stock, it does not write it.
    const records = await s.app.store.db
      .selectFrom('records')
      .select(['state', 'error_message'])
      .where('run_id', '=', run.id)
      .where('source_id', '=', position.Item)
      .execute();
    expect(records).toHaveLength(1);
    expect(records[0]!.state).toBe('skipped');
  });

  it('answers the probe, and refuses bad signatures, unreadable bodies and unknown connections', async () => {
    await subscription();
    expect((await post(callback(), '')).status).toBe(200);
    const invoiceId = await createInvoice('Tampered order');
    const [delivery] = await eventually('the sandbox delivery', async () => {
      const found = await deliveriesOf(invoiceId);
      return found.length > 0 ? found : undefined;
    });
    const body = delivery.body as string;
    const tampered = body.replace(/"Key":"[^"]+"/, '"Key":"00000000-0000-0000-0000-000000000000"');
    const refused = await post(callback(), tampered);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('exact.webhook_signature');
    const logged = s.logLines.find((l) => l.includes('refused a webhook delivery on connection demo-exact'));
    expect(logged).toContain('exact.webhook_signature');
    const log = s.logLines.join('\n');
    expect(log).not.toContain(defaultExactWebhookSecret);
    expect(log).not.toContain(JSON.parse(body).HashCode);

    expect((await post(callback(), '{"Content":')).status).toBe(400);

    // Correctly signed, but of an event in 2020 (reference 6.3's capture): a replay, refused.
    const stale = await post(callback(), signedExactDelivery({ at: new Date('2020-01-06T15:26:08.587Z') }));
    expect(stale.status).toBe(400);
    const staleText = await stale.text();
    expect(JSON.parse(staleText).error.code).toBe('webhook.stale');
    expect(staleText).not.toContain('HashCode');
    expect(s.logLines.some((l) => l.includes('webhook.stale'))).toBe(true);
    // Once the sandbox's own delivery of that invoice has reached Koppel, this copy is a repeat.
    await eventually('the sandbox delivery accepted', async () =>
      (await deliveriesOf(invoiceId)).some((d) => d.state === 'delivered') ? true : undefined,
    );
    const repeat = await post(callback(), body);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ kind: 'duplicate', duplicate: true });
    expect((await post(`${s.service.publicUrl}/webhooks/exact/nobody`, body)).status).toBe(404);
    // The Asperion connection has no Exact webhooks.
    expect((await post(`${s.service.publicUrl}/webhooks/exact/${demoIds.asperion}`, body)).status).toBe(404);
  });
});
