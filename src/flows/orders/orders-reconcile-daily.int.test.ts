import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineJobHandlers, engineSchedules, flowLockKey } from '../../engine/job-handlers.js';
import { detectReconcileDifferences } from '../../engine/notifications/detect-reconcile.js';
import { alertDetectors } from '../../engine/notifications/detectors.js';
import { evaluateAlerts } from '../../engine/notifications/evaluate-alerts.js';
import { writeNotificationSettings } from '../../engine/notifications/settings.js';
import { notificationSettingsSchema } from '../../engine/notifications/types.js';
import { listDeliveries } from '../../store/repos/notification-deliveries.js';
import { reconcileDailyJob } from '../../engine/reconcile-daily.js';
import type { ClaimedJob } from '../../queue/port.js';
import { productRegistry } from '../../registry.js';
import { listReconcileReports } from '../../store/repos/reconcile-reports.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';
import { startApiHarness } from '../../testing/api-harness.js';
import { runKoppel } from '../../testing/run-koppel.js';
import { changeInstallationSettings } from '../../workspace/installation-settings-change.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

const account = {
  ID: '0d000000-0000-4000-8000-00000000c002',
  Name: 'Dagelijks Controle BV',
  Email: 'boekhouding@dagelijks-controle.example.nl',
  AddressLine1: 'Vismarkt 3',
  Postcode: '3511 TS',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
};
const invoiceId = (n: number) => `0e300000-0000-4000-8000-00000000000${n}`;
// The sandboxes date documents 2026-03-10; the daily job runs the next morning at its default time.
const nextMorning = new Date('2026-03-11T05:23:00.000Z');

describe.each(testDialects)('the daily reconciliation of an orders flow (%s)', (dialect) => {
  let pair: Pair;
  const koppel = (...args: string[]) =>
    runKoppel(pair.fx.h, args, { registry: productRegistry, clock: pair.fx.clock });
  const asperionId = async (n: number) =>
    (await pair.invoices()).find((i) => String(i.description).includes(invoiceId(n)))!.id as number;
  /** The job as the worker pool hands it over; the handler is the one the service registers. */
  const runDailyJob = async () => {
    const now = pair.fx.clock.now();
    const job = {
      id: `job_reconcile_${now.getTime()}`,
      queue: 'engine',
      name: reconcileDailyJob,
      payload: { flowId: pair.flowId },
      dedupeKey: null,
      lockKey: flowLockKey(pair.flowId),
      state: 'running',
      priority: 100,
      runAt: now,
      attempts: 1,
      maxAttempts: 5,
      lockedBy: 'test',
      lockedUntil: new Date(now.getTime() + 60_000),
      lastError: null,
      cancelRequestedAt: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    } satisfies ClaimedJob;
    const handler = engineJobHandlers(pair.fx.h.deps)[reconcileDailyJob]!;
    await handler(job, { signal: new AbortController().signal, heartbeat: () => Promise.resolve(true) });
    const [newest] = await listReconcileReports(pair.fx.h.store.db, { flowIds: [pair.flowId], limit: 1 });
    return newest!;
  };

  beforeAll(async () => {
    pair = await startPair(dialect);
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    const line = (price: number) => ({ Item: item.ID, Quantity: 1, UnitPrice: price, VATCode: 'VH' });
    await pair.addExact({
      'crm/Accounts': [account],
      'salesinvoice/SalesInvoices': [1, 2, 3].map((n) =>
        salesInvoice(invoiceId(n), account.ID, [line(10 * n)]),
      ),
    });
    const run = await pair.run();
    expect(run.counts, (await pair.deadLetters()).join('\n')).toMatchObject({ created: 3 });
    pair.fx.clock.advance(nextMorning.getTime() - pair.fx.clock.now().getTime());
  }, 60_000);
  afterAll(() => pair?.close());

  it('is scheduled once a day for the flow, under the flow’s lock', async () => {
    const schedules = await engineSchedules(pair.fx.h.deps, '17 3 * * *');
    expect(schedules.find((s) => s.key === `reconcile:${pair.flowId}`)).toMatchObject({
      cron: '23 5 * * *',
      name: reconcileDailyJob,
      payload: { flowId: pair.flowId },
      lockKey: flowLockKey(pair.flowId),
    });
    // The installation setting moves it, or turns it off; null puts the default back.
    const { db } = pair.fx.h.store;
    const reconcileSchedule = async () =>
      (await engineSchedules(pair.fx.h.deps, '17 3 * * *')).find((s) => s.name === reconcileDailyJob);
    await changeInstallationSettings(db, pair.fx.clock, { reconcile: { schedule: '5 6 * * 1-5' } });
    expect(await reconcileSchedule()).toMatchObject({ cron: '5 6 * * 1-5' });
    await changeInstallationSettings(db, pair.fx.clock, { reconcile: { enabled: false } });
    expect(await reconcileSchedule()).toBeUndefined();
    await expect(
      changeInstallationSettings(db, pair.fx.clock, { reconcile: { schedule: 'daily' } }),
    ).rejects.toThrow(/reconcile\.schedule/);
    await changeInstallationSettings(db, pair.fx.clock, { reconcile: null });
    expect(await reconcileSchedule()).toMatchObject({ cron: '23 5 * * *' });
  });

  it('stores a clean report after a clean sync, and the detector finds nothing', async () => {
    const report = await runDailyJob();
    expect(report).toMatchObject({
      trigger: 'schedule',
      // Yesterday and the six days before it.
      period_from: '2026-03-04',
      period_to: '2026-03-10',
      documents: 3,
      differences: 0,
      error: null,
    });
    expect(report.finished_at).not.toBeNull();
    const body = JSON.parse(report.report);
    expect(body).toMatchObject({ reportId: report.id, agree: true });
    // Exact: the invoices and their lines in bulk; Asperion: its VAT codes and one page of invoices;
    // and one call more on each side than a reconciliation right after the run takes: by the next
    // morning the evening's tokens have expired and each side renews its token once.
    expect(body.apiCalls).toEqual({ source: 3, target: 3 });
    expect(Number(report.calls)).toBe(body.apiCalls.source + body.apiCalls.target);
    expect(await detectReconcileDifferences(pair.fx.h.deps, pair.fx.clock.now())).toEqual([]);
  });

  it('names exactly the invoice changed and the one deleted in Asperion, in the report and in one problem', async () => {
    const changed = await asperionId(1);
    const edit = await pair.asperion.call(
      'PUT',
      `/__sandbox/administrations/1/salesinvoices/${changed}/line`,
      { body: { amount: 15 } },
    );
    expect(edit.status).toBe(200);
    const gone = await asperionId(2);
    expect(
      (await pair.asperion.call('DELETE', `/__sandbox/administrations/1/salesinvoices/${gone}`)).status,
    ).toBe(200);

    pair.fx.clock.advance(24 * 3600_000);
    const row = await runDailyJob();
    expect(row).toMatchObject({ period_from: '2026-03-05', period_to: '2026-03-11', differences: 2 });
    const stored = JSON.parse(row.report);
    expect(stored.differences.map((d: any) => [d.kind, d.sourceId])).toEqual([
      ['different', invoiceId(1)],
      ['missing', invoiceId(2)],
    ]);
    const numbers = stored.differences.map((d: any) => String(d.label).split(' ').at(-1));

    const problems = await detectReconcileDifferences(pair.fx.h.deps, pair.fx.clock.now());
    expect(problems).toEqual([
      {
        key: `reconcile:${pair.flowId}`,
        kind: 'reconcile.difference',
        severity: 'critical',
        pairId: 'p1',
        flowId: pair.flowId,
        connectionId: null,
        title: expect.stringContaining(pair.flowId),
        why: '2 sales invoices of 5 March 2026 to 11 March 2026 differ between Exact and Asperion: 1 missing, 1 different.',
        count: 2,
        documents: numbers,
        fix: {
          action: expect.any(String),
          webPath: `/api/reconcile-reports/${row.id}?format=csv`,
          cli: `koppel reconcile ${pair.flowId} --from 2026-03-05 --to 2026-03-11`,
        },
      },
    ]);
    expect(numbers).toHaveLength(2);
    expect(numbers.every((n: string) => /\d/.test(n))).toBe(true);

    // The accountant hears of it once, however often the alerts are evaluated.
    const deps = pair.fx.h.deps;
    await writeNotificationSettings(
      deps.store.db,
      deps.box,
      notificationSettingsSchema.parse({ recipients: [{ name: 'accountant', email: 'fin@example.nl' }] }),
      pair.fx.clock.now().toISOString(),
    );
    const evaluate = (minutes: number) =>
      evaluateAlerts(deps, {
        now: new Date(pair.fx.clock.now().getTime() + minutes * 60_000),
        baseUrl: 'https://koppel.example.nl',
        detectors: alertDetectors.filter((d) => d.kind === 'reconcile.difference'),
      });
    await evaluate(0);
    await evaluate(1);
    await evaluate(120);
    const told = await listDeliveries(deps.store.db, { limit: 10 });
    expect(told.map((d) => [d.message_kind, d.recipient])).toEqual([['opened', 'accountant']]);
    const message = JSON.parse(told[0]!.message);
    expect(message).toMatchObject({ problemKind: 'reconcile.difference', severity: 'critical', count: 2 });
    expect(message.documents).toEqual(numbers);
  });

  it('keeps the problem through a failed reconciliation, and a newer clean report clears it', async () => {
    // A connection paused after the job was scheduled: the report is stored with the error.
    await pair.fx.h.store.db
      .updateTable('connections')
      .set({ status: 'paused' })
      .where('id', '=', 'asperion')
      .execute();
    const failed = await runDailyJob();
    await pair.fx.h.store.db
      .updateTable('connections')
      .set({ status: 'active' })
      .where('id', '=', 'asperion')
      .execute();
    expect(failed.error).toMatch(/\S/);
    expect(failed.finished_at).not.toBeNull();
    expect(await detectReconcileDifferences(pair.fx.h.deps, pair.fx.clock.now())).toHaveLength(1);

    // February had no documents: that report is clean and newer.
    const cli = await koppel('reconcile', pair.flowId, '--from', '2026-02-01', '--to', '2026-02-28');
    expect(cli.code, cli.err).toBe(0);
    expect(await detectReconcileDifferences(pair.fx.h.deps, pair.fx.clock.now())).toEqual([]);
  });

  it('reads the stored reports through the API, as JSON and CSV, and lists them in the CLI', async () => {
    const reports = await listReconcileReports(pair.fx.h.store.db, { flowIds: [pair.flowId] });
    const differing = reports.find((r) => Number(r.differences) === 2)!;
    // The service's scheduler would catch up on the daily job; this test reads what is stored.
    await changeInstallationSettings(pair.fx.h.store.db, pair.fx.clock, { reconcile: { enabled: false } });
    const h = await startApiHarness(dialect, {
      database: pair.fx.h.tdb,
      registry: productRegistry,
      clock: pair.fx.clock,
    });
    try {
      const viewer = await h.signedIn('viewer');
      const list = await viewer.get(`/api/flows/${pair.flowId}/reconcile-reports`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((r: any) => [r.trigger, r.outcome, r.differences])).toEqual([
        ['cli', 'agree', 0],
        ['schedule', 'failed', 0],
        ['schedule', 'differ', 2],
        ['schedule', 'agree', 0],
      ]);
      const paged = await viewer.get(`/api/flows/${pair.flowId}/reconcile-reports?limit=2`);
      expect(paged.body.items).toHaveLength(2);
      const rest = await viewer.get(
        `/api/flows/${pair.flowId}/reconcile-reports?limit=2&before=${paged.body.next}`,
      );
      expect(rest.body.items.map((r: any) => r.id)).toEqual(list.body.items.slice(2).map((r: any) => r.id));

      const json = await viewer.get(`/api/reconcile-reports/${differing.id}`);
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({
        id: differing.id,
        flowId: pair.flowId,
        period: { from: '2026-03-05', to: '2026-03-11' },
        outcome: 'differ',
        report: { reportId: differing.id, agree: false },
      });
      expect(json.body.report.differences.map((d: any) => d.sourceId)).toEqual([invoiceId(1), invoiceId(2)]);
      const csv = await viewer.get(`/api/reconcile-reports/${differing.id}?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(String(csv.body)).toContain(`difference,2026-03-10,exact,missing,${invoiceId(2)}`);
      const failed = list.body.items[1].id;
      expect((await viewer.get(`/api/reconcile-reports/${failed}`)).body).toMatchObject({
        outcome: 'failed',
        report: null,
      });
      expect((await viewer.get(`/api/reconcile-reports/${failed}?format=csv`)).status).toBe(409);
      expect((await viewer.get('/api/reconcile-reports/rcn_unknown')).status).toBe(404);
      const elsewhere = await h.signedIn('viewer', { pairScope: ['another-pair'] });
      expect((await elsewhere.get(`/api/reconcile-reports/${differing.id}`)).status).toBe(404);
      expect((await elsewhere.get(`/api/flows/${pair.flowId}/reconcile-reports`)).status).toBe(404);
    } finally {
      await h.close();
      await changeInstallationSettings(pair.fx.h.store.db, pair.fx.clock, { reconcile: null });
    }

    const listed = await koppel('reconcile', pair.flowId, '--reports');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain(differing.id);
    expect(listed.out).toMatch(/schedule\s+2026-03-05\.\.2026-03-11\s+differ\s+3\s+2\s+\d+/);
    const asJson = JSON.parse((await koppel('reconcile', pair.flowId, '--reports', '--format', 'json')).out);
    expect(asJson).toHaveLength(4);
    const one = await koppel('reconcile', pair.flowId, '--report', differing.id);
    expect(one.code).toBe(1);
    expect(one.out).toContain('2 difference(s)');
    expect((await koppel('reconcile', pair.flowId, '--report', 'rcn_unknown')).code).toBe(3);
  });
});
