import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileFlow } from '../../src/engine/reconcile-flow.js';
import { productRegistry } from '../../src/registry.js';
import { startApiHarness, type ApiHarness } from '../../src/testing/api-harness.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startPair, type Pair } from '../../src/testing/flow-test-pair.js';
import { salesInvoice } from '../../src/testing/orders-test-fixture.js';
import { changeInstallationSettings } from '../../src/workspace/installation-settings-change.js';

const account = {
  ID: '0d000000-0000-4000-8000-00000000c003',
  Name: 'Kaartenbak BV',
  Email: 'boekhouding@kaartenbak.example.nl',
  AddressLine1: 'Lange Nieuwstraat 8',
  Postcode: '3512 PH',
  City: 'Utrecht',
  Country: 'NL',
  Status: 'C',
};
const invoiceId = (n: number) => `0e400000-0000-4000-8000-00000000000${n}`;

describe('the newest reconciliation on the dashboard', () => {
  let pair: Pair;
  let h: ApiHarness;
  let browser: TestBrowser;
  let reportId: string;

  beforeAll(async () => {
    pair = await startPair('sqlite');
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    await pair.addExact({
      'crm/Accounts': [account],
      'salesinvoice/SalesInvoices': [1, 2].map((n) =>
        salesInvoice(invoiceId(n), account.ID, [
          { Item: item.ID, Quantity: 1, UnitPrice: 10 * n, VATCode: 'VH' },
        ]),
      ),
    });
    expect((await pair.run()).counts).toMatchObject({ created: 2 });
    const gone = (await pair.invoices()).find((i) => String(i.description).includes(invoiceId(2)))!.id;
    expect(
      (await pair.asperion.call('DELETE', `/__sandbox/administrations/1/salesinvoices/${gone}`)).status,
    ).toBe(200);
    const report = await reconcileFlow(pair.fx.h.deps, {
      flowId: pair.flowId,
      trigger: 'cli',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(report.differences).toHaveLength(1);
    reportId = report.reportId;
    // The service runs on real time (the browser keeps cookies by its own clock); its scheduler
    // would catch up on this morning's daily reconciliation, and this test reads what is stored.
    await changeInstallationSettings(pair.fx.h.store.db, pair.fx.clock, { reconcile: { enabled: false } });
    h = await startApiHarness('sqlite', { database: pair.fx.h.tdb, registry: productRegistry });
    browser = await startTestBrowser(h.url, h.app);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await pair?.close();
  });

  it('says on the flow card that the books differ, and links the report’s CSV', async () => {
    const page = await browser.signedInPage('viewer');
    const card = page.getByRole('article', { name: `${pair.flowId} (orders)` });
    await card.getByText('1 document(s) differ for 2026-03-01 to 2026-03-31', { exact: false }).waitFor();
    const link = card.getByRole('link', { name: 'Report (CSV)' });
    expect(await link.getAttribute('href')).toBe(`/api/reconcile-reports/${reportId}?format=csv`);
    // The link works with the page's own session: the viewer's cookie, no token.
    const csv = await page.request.get(`/api/reconcile-reports/${reportId}?format=csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(`difference,2026-03-10,exact,missing,${invoiceId(2)}`);
    expect(await accessibilityProblems(page)).toEqual([]);
  });
});
