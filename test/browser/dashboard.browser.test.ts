import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/access/users.js';
import { demoIds } from '../../src/cli/demo/demo-setup.js';
import { newId } from '../../src/core/ids.js';
import { insertEvent } from '../../src/store/repos/events.js';
import { ApiClient, testPassword } from '../../src/testing/api-harness.js';
import { eventually } from '../../src/testing/api-waits.js';
import { seedFlowHistory } from '../../src/testing/dashboard-history.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

const eventMessage = 'Invoice 26700999 waits for a VAT code mapping';

describe('the dashboard', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
    const [customer] = (
      await sut.exact('GET', "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C'&$top=1")
    ).results;
    const [item] = (await sut.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
      .results;
    await sut.exact('POST', 'salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer.ID,
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' }],
    });
    await addUser(sut.app.store.db, sut.app.clock, {
      email: 'runner@browser.test',
      role: 'operator',
      password: testPassword,
    });
    const operator = new ApiClient(sut.service.url);
    await operator.signIn('runner@browser.test', testPassword);
    // The sandbox's webhook may start a run too; either way one run creates the invoice.
    expect((await operator.post(`/api/flows/${demoIds.flow}/runs`)).status).toBe(202);
    await eventually(async () => {
      const created = (await sut.runs()).some((r) => JSON.parse(r.counts).created > 0);
      return created && (await sut.pendingRuns()) === 0 ? true : undefined;
    }, 60_000);
    // A month of earlier runs, so that the chart shows what a pair in use looks like.
    const now = new Date();
    await seedFlowHistory(sut.app.store, {
      pairId: demoIds.pair,
      flowId: demoIds.flow,
      now: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 1),
      runs: 90,
      records: 1_200,
    });
    await insertEvent(sut.app.store.db, {
      id: newId('evt'),
      type: 'mapping.missing',
      severity: 'warning',
      pair_id: demoIds.pair,
      flow_id: demoIds.flow,
      connection_id: null,
      run_id: null,
      message: eventMessage,
      details: '{}',
      created_at: new Date().toISOString(),
      acknowledged_at: null,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('shows per flow a chart with its numbers, the last run, the connections and the budget', async () => {
    const page = await browser.signedInPage('operator');
    await page.getByRole('heading', { name: 'Demo: Exact Online sandbox → Asperion sandbox' }).waitFor();
    const orders = page.getByRole('article', { name: `${demoIds.flow} (orders)` });
    const chart = orders.getByRole('img', {
      name: `Documents moved per day by ${demoIds.flow}, last 30 days`,
    });
    await chart.waitFor();
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await orders.getByText(/In the last 30 days: \d+ created/).textContent()).toMatch(
      /[1-9]\d* created/,
    );
    await page.getByRole('listitem').filter({ hasText: eventMessage }).waitFor();
    await browser.screenshot(page, 'dashboard');

    await orders.getByText('The numbers per day').click();
    const table = orders.getByRole('table', { name: `Documents per day by ${demoIds.flow} (UTC days)` });
    expect(await table.getByRole('row').count()).toBe(31);
    const today = table.getByRole('row').last();
    expect(await today.getByRole('cell').first().textContent()).toBe('1');
    // The last run: the one that created the invoice, or the one a webhook arriving meanwhile queued
    // behind it (a request while a run goes gets a run of its own), which found nothing new.
    expect(await orders.getByRole('definition').first().textContent()).toMatch(
      /^succeeded, .+: [01] created/,
    );

    const health = page.getByRole('table', { name: 'Connections' });
    expect(await health.getByRole('row', { name: /Exact Online sandbox/ }).textContent()).toContain(
      'connected',
    );
    const budget = page.getByRole('table', { name: 'Exact Online API budget per division' });
    expect(await budget.getByRole('rowheader').first().textContent()).toContain(String(demoIds.division));
    expect(await budget.getByRole('meter').count()).toBe(2);

    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('lets an operator acknowledge an event, which then no longer needs attention', async () => {
    const page = await browser.signedInPage('operator');
    const acknowledge = page.getByRole('button', { name: `Acknowledge: ${eventMessage}` });
    await acknowledge.click();
    await page.getByText('Nothing waits for you.').waitFor();
    expect(await page.getByText(eventMessage).count()).toBe(0);
  });

  it('shows a viewer no button that changes something, and an owner the one that resumes a paused connection', async () => {
    await sut.app.store.db
      .updateTable('connections')
      .set({
        status: 'paused',
        paused_reason: 'Asperion refused the token',
        paused_at: new Date().toISOString(),
      })
      .where('id', '=', demoIds.asperion)
      .execute();
    await insertEvent(sut.app.store.db, {
      id: newId('evt'),
      type: 'connection.paused',
      severity: 'error',
      pair_id: demoIds.pair,
      flow_id: null,
      connection_id: demoIds.asperion,
      run_id: null,
      message: 'Connection demo-asperion lost its authorization and is paused',
      details: '{}',
      created_at: new Date().toISOString(),
      acknowledged_at: null,
    });
    const viewer = await browser.signedInPage('viewer');
    await viewer.getByRole('table', { name: 'Connections' }).getByText('paused').waitFor();
    await viewer.getByText('Connection demo-asperion lost its authorization and is paused').waitFor();
    expect(await viewer.getByRole('button', { name: /Acknowledge|Resume|Connect .* again/ }).count()).toBe(0);
    expect(await accessibilityProblems(viewer)).toEqual([]);

    const owner = await browser.signedInPage('owner');
    await owner.getByRole('button', { name: 'Resume Asperion sandbox' }).click();
    const row = owner
      .getByRole('table', { name: 'Connections' })
      .getByRole('row', { name: /Asperion sandbox/ });
    await expect.poll(() => row.textContent()).toContain('connected');
  });
});
