import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileFlow } from '../../engine/reconcile-flow.js';
import { productRegistry } from '../../registry.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { salesInvoice } from '../../testing/orders-test-fixture.js';
import { startApiHarness } from '../../testing/api-harness.js';
import { runKoppel } from '../../testing/run-koppel.js';

const account = {
  ID: '0d000000-0000-4000-8000-00000000c001',
  Name: 'Boeken Kloppen BV',
  Email: 'administratie@boeken-kloppen.example.nl',
  AddressLine1: 'Oudegracht 12',
  Postcode: '3511 AR',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
};
const invoiceId = (n: number) => `0e200000-0000-4000-8000-00000000000${n}`;
// The sandboxes date documents by their clocks: 2026-03-10.
const march = ['--from', '2026-03-01', '--to', '2026-03-31'];

describe.each(testDialects)('reconciling an orders flow (%s)', (dialect) => {
  let pair: Pair;
  const reconcile = () =>
    reconcileFlow(pair.fx.h.deps, {
      flowId: pair.flowId,
      trigger: 'cli',
      from: '2026-03-01',
      to: '2026-03-31',
    });
  const koppel = (...args: string[]) =>
    runKoppel(pair.fx.h, args, { registry: productRegistry, clock: pair.fx.clock });
  const asperionId = async (n: number) =>
    (await pair.invoices()).find((i) => String(i.description).includes(invoiceId(n)))!.id as number;

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
  }, 60_000);
  afterAll(() => pair?.close());

  it('finds the books in agreement after a clean sync, with the totals per day and the calls it took', async () => {
    const report = await reconcile();
    expect(report.differences).toEqual([]);
    expect(report.agree).toBe(true);
    const totals = { count: 3, netCents: 6000, vatCents: { '21': 1260 }, grossCents: 7260 };
    expect(report.totals).toEqual({ source: totals, target: totals });
    expect(report.days).toEqual([{ date: '2026-03-10', source: totals, target: totals }]);
    // Exact: the invoices and their lines in bulk; Asperion: its VAT codes and one page of invoices.
    expect(report.apiCalls).toEqual({ source: 2, target: 2 });
    const cli = await koppel('reconcile', pair.flowId, ...march);
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toContain('the books agree');
    // A period without documents agrees too, and says there is nothing.
    const empty = await reconcileFlow(pair.fx.h.deps, {
      flowId: pair.flowId,
      trigger: 'cli',
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(empty).toMatchObject({ agree: true, days: [], totals: { source: { count: 0 } } });
  });

  it('names exactly the document changed and the one deleted in Asperion, and the totals show it', async () => {
    const changed = await asperionId(1);
    const edit = await pair.asperion.call(
      'PUT',
      `/__sandbox/administrations/1/salesinvoices/${changed}/line`,
      {
        body: { amount: 15 },
      },
    );
    expect(edit.status).toBe(200);
    const gone = await asperionId(2);
    expect(
      (await pair.asperion.call('DELETE', `/__sandbox/administrations/1/salesinvoices/${gone}`)).status,
    ).toBe(200);

    const report = await reconcile();
    expect(report.agree).toBe(false);
    expect(report.differences.map((d) => [d.kind, d.sourceId, d.fields])).toEqual([
      ['different', invoiceId(1), ['net', 'vat', 'gross']],
      ['missing', invoiceId(2), []],
    ]);
    const [different, missing] = report.differences;
    expect(different).toMatchObject({
      source: { netCents: 1000, vatCents: { '21': 210 }, grossCents: 1210 },
      target: { id: String(changed), netCents: 1500, vatCents: { '21': 315 }, grossCents: 1815 },
      record: { state: 'created', targetId: String(changed) },
    });
    expect(missing).toMatchObject({ target: null, record: { state: 'created', targetId: String(gone) } });
    expect(report.totals.target).toEqual({
      count: 2,
      netCents: 4500,
      vatCents: { '21': 945 },
      grossCents: 5445,
    });
    expect(report.totals.source.grossCents).toBe(7260);

    const text = await koppel('reconcile', pair.flowId, ...march);
    expect(text.code).toBe(1);
    expect(text.out).toContain('2 difference(s)');
    expect(text.out).toMatch(/missing in Asperion/);
    expect(text.out).toMatch(/net, vat, gross differ/);
    const json = await koppel('reconcile', pair.flowId, ...march, '--format', 'json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({
      ...report,
      reportId: expect.stringMatching(/^rcn_/),
      apiCalls: expect.any(Object),
    });
    const csv = await koppel('reconcile', pair.flowId, ...march, '--format', 'csv');
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toMatch(/^row,date,side,kind,source_id/);
    expect(lines.filter((l) => l.startsWith('difference,')).map((l) => l.split(',').slice(2, 4))).toEqual([
      ['exact', 'different'],
      ['asperion', 'different'],
      ['exact', 'missing'],
    ]);
    expect(lines).toContain('total,2026-03-01..2026-03-31,asperion,,,,2,45.00,21%:9.45,54.45,,,');
    expect(await koppel('reconcile', pair.flowId, '--from', '2026-03-32')).toMatchObject({ code: 2 });
    expect(await koppel('reconcile', 'nope')).toMatchObject({ code: 3 });
  });

  it('answers the same report over the API for operators, as JSON or CSV', async () => {
    const h = await startApiHarness(dialect, {
      database: pair.fx.h.tdb,
      registry: productRegistry,
      clock: pair.fx.clock,
    });
    try {
      const operator = await h.signedIn('operator');
      const period = { from: '2026-03-01', to: '2026-03-31' };
      const answer = await operator.post(`/api/flows/${pair.flowId}/reconcile`, period);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ agree: false, period, totals: { target: { count: 2 } } });
      expect(answer.body.differences.map((d: { kind: string }) => d.kind)).toEqual(['different', 'missing']);
      const csv = await operator.call('POST', `/api/flows/${pair.flowId}/reconcile`, period, {
        headers: { accept: 'text/csv' },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(String(csv.body)).toContain('difference,2026-03-10,exact,missing,');
      const viewer = await h.signedIn('viewer');
      expect((await viewer.post(`/api/flows/${pair.flowId}/reconcile`, period)).status).toBe(403);
      expect((await operator.post(`/api/flows/${pair.flowId}/reconcile`, { from: 'soon' })).status).toBe(400);
    } finally {
      await h.close();
    }
  });

  it('names an Asperion invoice with a Koppel reference that no Exact invoice of the period has as extra', async () => {
    const copied = (await pair.invoices()).find((i) => String(i.description).includes(invoiceId(3)));
    const stray = '0e200000-0000-4000-8000-0000000000ff';
    const created = await pair.asperion.call('POST', '/v1/salesinvoiceswithlines', {
      body: {
        date: '2026-03-11',
        journalId: copied.journalId,
        debtorCustomerNumber: copied.debtorCustomerNumber,
        description: `Handmatig [koppel:${stray}]`,
        lines: copied.lines._data.map((l: Record<string, unknown>) => ({
          description: l['description'],
          amount: l['amount'],
          ledgerAccountId: l['ledgerAccountId'],
          vatCode: l['vatCode'],
        })),
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const report = await reconcile();
    expect(report.differences.map((d) => [d.kind, d.sourceId, d.date])).toEqual([
      ['different', invoiceId(1), '2026-03-10'],
      ['missing', invoiceId(2), '2026-03-10'],
      ['extra', stray, '2026-03-11'],
    ]);
    expect(report.differences[2]).toMatchObject({ source: null, record: null, target: { grossCents: 3630 } });
    expect(report.days.map((d) => [d.date, d.source.count, d.target.count])).toEqual([
      ['2026-03-10', 3, 2],
      ['2026-03-11', 0, 1],
    ]);
    expect((await koppel('reconcile', pair.flowId, ...march)).out).toMatch(/in Asperion, not in Exact/);
  });
});
