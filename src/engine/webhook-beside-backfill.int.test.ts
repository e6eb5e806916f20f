import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds } from '../cli/demo/demo-setup.js';
import { eventually } from '../testing/api-waits.js';
import { testDialects } from '../testing/databases.js';
import { insertYieldedBackfillRun } from '../testing/yielded-backfill.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../testing/service-under-test.js';
import { backfillUnderWay } from './backfill-state.js';
import { enqueueFlowRun } from './enqueue-run.js';
import { webhookSubscriptionsJobSpec } from './job-names.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const backfilled = 40;
const guid = (group: string, n: number) => `0e000000-0000-4000-${group}-${String(n).padStart(12, '0')}`;

describe.each(testDialects)(
  'a webhook order while its own flow backfills, in the running service (%s)',
  (dialect) => {
    let s: ServiceUnderTest;
    beforeAll(async () => {
      s = await startServiceUnderTest(dialect);
    }, 120_000);
    afterAll(async () => {
      await s?.close();
    });

    const call = async (base: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const copiesOf = (invoices: any[], id: string) =>
      invoices.filter((i) => String(i.description).includes(`[koppel:${id}]`)).length;

    it('is in Asperion while the backfill still runs, once, and the backfill writes it no second time', async () => {
      const exactUrl = s.sandboxes.exact.url;
      const asperionUrl = s.sandboxes.asperion.url;
      const subscription = () =>
        eventually(async () =>
          ((await call(exactUrl, 'GET', '/__sandbox/webhooks/subscriptions')) as any[]).find(
            (r) => r.Topic === 'SalesInvoices',
          ),
        );
      // The history was there before the subscription (Exact sends no webhook for it): the
      // subscription goes while it is loaded, and Koppel's daily check makes it again after.
      await s.exact('DELETE', `webhooks/WebhookSubscriptions(guid'${(await subscription()).ID}')`);
      const [customer] = (
        await s.exact(
          'GET',
          "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C' and MainContact ne null&$top=1",
        )
      ).results;
      const [item] = (await s.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
        .results;
      // History to backfill: invoices of customers Asperion does not know yet, each a debtor and an
      // invoice to write, on an Asperion that answers every call in 200 ms.
      const ids = Array.from({ length: backfilled }, (_, i) => guid('8000', i + 1));
      await call(exactUrl, 'POST', '/__sandbox/fixture', {
        divisions: {
          [demoIds.division]: {
            'crm/Accounts': ids.map((_, i) => ({
              ID: guid('a000', i + 1),
              Name: `Historie Klant ${i + 1} BV`,
              Email: `klant${i + 1}@historie.example.nl`,
              AddressLine1: 'Stationsplein 4',
              Postcode: '3511 ED',
              City: 'Utrecht',
              Country: 'NL',
              Status: 'C',
            })),
            'salesinvoice/SalesInvoices': ids.map((id, i) => ({
              InvoiceID: id,
              Journal: '70',
              OrderedBy: guid('a000', i + 1),
              Description: `Historie ${i + 1}`,
              SalesInvoiceLines: [{ Item: item.ID, Quantity: 1, UnitPrice: 20, VATCode: 'VH' }],
            })),
          },
        },
      });
      await s.app.queue.enqueue(webhookSubscriptionsJobSpec(String(s.service.publicUrl)));
      await subscription();
      await call(asperionUrl, 'PUT', '/__sandbox/settings', {
        requestLogSize: 10_000,
        faults: { latencyMs: 200 },
      });
      await call(asperionUrl, 'DELETE', '/__sandbox/requests', {});

      // A backfill under way: its last run gave its worker up (for API budget) with the demo's
      // invoices read, so the runs that go on with it read the history above as a backfill.
      const db = s.app.store.db;
      await insertYieldedBackfillRun(db, { pairId: demoIds.pair, flowId: demoIds.flow, at: new Date() });
      await enqueueFlowRun(db, s.app.queue, demoIds.flow, 'manual', 100);
      await eventually(async () => {
        const runs = await s.runs();
        return runs.some((r) => r.state === 'running' && JSON.parse(r.counts).created >= 3)
          ? true
          : undefined;
      }, 60_000);

      const live = await s.exact('POST', 'salesinvoice/SalesInvoices', {
        Journal: '70',
        OrderedBy: customer.ID,
        Description: 'Webhook order during a backfill',
        SalesInvoiceLines: [{ Item: item.ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' }],
      });
      const liveId = live.InvoiceID as string;
      const whenLiveArrived = await eventually(async () => {
        const invoices = await s.asperionInvoices();
        return copiesOf(invoices, liveId) > 0 ? invoices : undefined;
      }, 60_000);
      // The outcome a customer sees: their order went before the history still being read.
      const historyByThen = ids.filter((id) => copiesOf(whenLiveArrived, id) > 0).length;
      expect(historyByThen).toBeLessThan(backfilled);

      const invoices = await eventually(async () => {
        const all = await s.asperionInvoices();
        return ids.every((id) => copiesOf(all, id) > 0) && (await s.pendingRuns()) === 0 ? all : undefined;
      }, 180_000);
      expect([liveId, ...ids].map((id) => copiesOf(invoices, id))).toEqual([liveId, ...ids].map(() => 1));
      const sent = invoices.find((i) => String(i.description).includes(`[koppel:${liveId}]`));
      expect(sent.amountExclVat).toBe(25);

      const runs = await db
        .selectFrom('runs')
        .select(['trigger', 'scope', 'state', 'counts', 'error_code'])
        .where('flow_id', '=', demoIds.flow)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      // The order went in a run of its own record, and the backfill gave its lock up for it.
      expect(
        runs.filter((r) => r.scope === 'records' && r.trigger === 'webhook' && r.state === 'succeeded'),
      ).not.toHaveLength(0);
      expect(
        runs.some(
          (r) => r.scope === 'backfill' && r.state === 'yielded' && r.error_code === 'run.lock_yield',
        ),
      ).toBe(true);
      expect(runs.at(-1)).toMatchObject({ scope: 'backfill' });
      expect(['succeeded', 'partial']).toContain(runs.at(-1)!.state);
      const created = (scope: string) =>
        runs
          .filter((r) => r.scope === scope)
          .reduce((n, r) => n + Number(JSON.parse(r.counts).created ?? 0), 0);
      expect(created('records')).toBe(1);
      expect(await backfillUnderWay(db, demoIds.flow)).toBe(false);
      expect(await db.selectFrom('webhook_keys').selectAll().execute()).toEqual([]);

      // One write per document: no invoice was created twice or written again when the backfill met it.
      const { requests } = (await call(asperionUrl, 'GET', '/__sandbox/requests')) as { requests: any[] };
      const invoiceWrites = requests.filter(
        (r) => r.method !== 'GET' && /\/salesinvoices/i.test(new URL(r.url, asperionUrl).pathname),
      );
      expect(invoiceWrites.filter((r) => r.method !== 'POST')).toEqual([]);
      expect(invoiceWrites.filter((r) => r.status < 300)).toHaveLength(
        created('backfill') + created('records'),
      );
    }, 240_000);
  },
);
