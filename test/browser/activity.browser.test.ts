import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the API's JSON as it comes */

/** A call to the API from the page, as the signed-in person, with the session's CSRF token. */
async function apiFromPage(page: Page, method: string, path: string): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, path }) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken?: string };
      const res = await fetch(path, { method, headers: { 'x-csrf-token': session.csrfToken ?? '' } });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    { method, path },
  );
}

describe('the activity log', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  let invoiceNumber: string;
  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('finds an invoice synced by a run by its number, in a search that lives in the address', async () => {
    const [customer] = (
      await sut.exact('GET', "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C'&$top=1")
    ).results;
    const [item] = (await sut.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
      .results;
    const invoice = await sut.exact('POST', 'salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer.ID,
      Description: 'Activity log test',
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 3, UnitPrice: 12.5, VATCode: 'VH' }],
    });
    const [stored] = (
      await sut.exact(
        'GET',
        `salesinvoice/SalesInvoices?$select=InvoiceNumber&$filter=InvoiceID eq guid'${invoice.InvoiceID}'`,
      )
    ).results;
    invoiceNumber = String(stored.InvoiceNumber);

    const operator = await browser.signedInPage('operator');
    const started = await apiFromPage(operator, 'POST', '/api/flows/demo-orders/runs');
    expect(started.status).toBe(202);
    // The webhook of the new invoice may start a run of its own: whichever run takes it, one creates it.
    await expect
      .poll(
        async () =>
          (await apiFromPage(operator, 'GET', `/api/records?q=${invoiceNumber}`)).body.items.map(
            (r: any) => r.state,
          ),
        { timeout: 60_000, interval: 300 },
      )
      .toContain('created');

    const page = await browser.signedInPage('viewer');
    await page.goto('/activity');
    await expect.poll(() => page.title()).toBe('Activity log · Koppel');
    const search = page.getByRole('search', { name: 'Find records' });
    await search.getByLabel('Invoice number, customer e-mail, article code or id').fill(invoiceNumber);
    await search.getByLabel('Flow').selectOption('demo-orders');
    await search.getByLabel('State').selectOption({ label: 'created' });
    await search.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === invoiceNumber);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      q: invoiceNumber,
      flow: 'demo-orders',
      state: 'created',
    });
    const results = page.getByRole('table', { name: `Records found for ${invoiceNumber}` });
    const link = results.getByRole('link', { name: new RegExp(`^Exact sales invoice ${invoiceNumber} `) });
    await link.waitFor();
    expect(await results.getByRole('row').count()).toBe(2);
    await page
      .getByRole('table', { name: 'Runs, newest first' })
      .getByRole('cell', { name: 'demo-orders' })
      .first()
      .waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await browser.screenshot(page, 'activity');

    // The address alone gives the same search: a link to it works.
    const again = await browser.signedInPage('viewer');
    await again.goto(`/activity?q=${invoiceNumber}`);
    await again.getByRole('link', { name: new RegExp(`^Exact sales invoice ${invoiceNumber} `) }).waitFor();
    expect(await again.getByLabel('Invoice number, customer e-mail, article code or id').inputValue()).toBe(
      invoiceNumber,
    );
    await again.getByRole('link', { name: 'Clear' }).click();
    await again.waitForURL((url) => url.pathname === '/activity' && url.search === '');
    expect(await again.getByLabel('Invoice number, customer e-mail, article code or id').inputValue()).toBe(
      '',
    );
  });

  it("opens the record's timeline: source and payload side by side, request and response, the diff", async () => {
    const page = await browser.signedInPage('viewer');
    await page.goto(`/activity?q=${invoiceNumber}&state=created`);
    await page.getByRole('link', { name: new RegExp(`^Exact sales invoice ${invoiceNumber} `) }).click();
    await page.waitForURL(/\/activity\/records\/rec_/);
    await page
      .getByRole('heading', { level: 1, name: new RegExp(`^Exact sales invoice ${invoiceNumber}`) })
      .waitFor();

    const timeline = page.getByRole('region', { name: 'Timeline' });
    const steps = await timeline.getByRole('listitem').allTextContents();
    expect(steps[0]).toContain('Read from the source');
    expect(steps.some((s) => s.includes('Created in the target'))).toBe(true);
    expect(await timeline.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    const source = await page.getByRole('region', { name: 'Source record read' }).textContent();
    expect(source).toContain(invoiceNumber);
    expect(source).toContain('"Quantity": 3');
    expect(await page.getByRole('region', { name: 'Payload sent' }).locator('pre').textContent()).toMatch(
      /\{/,
    );
    expect(await page.getByRole('region', { name: 'Request' }).textContent()).toMatch(/"method": "POST"/);
    expect(await page.getByRole('region', { name: 'Response' }).locator('pre').textContent()).toMatch(/\{/);
    const diff = page.getByRole('table', { name: 'Field changes (created: every field is new)' });
    expect(await diff.getByRole('row').count()).toBeGreaterThan(2);
    expect(await diff.getByRole('cell', { name: '(absent)' }).count()).toBeGreaterThan(0);

    const exact = page.getByRole('link', { name: 'Open in Exact Online' });
    expect(await exact.getAttribute('href')).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/docs/SalesInvoice\\.aspx\\?_Division_=3215711&ID=`),
    );
    // Source and payload are next to each other on a laptop's screen, not one under the other.
    const left = await page.getByRole('region', { name: 'Source record read' }).boundingBox();
    const right = await page.getByRole('region', { name: 'Payload sent' }).boundingBox();
    expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
    expect(Math.abs(right!.y - left!.y)).toBeLessThan(2);
    expect(await accessibilityProblems(page)).toEqual([]);
    // The picture shows what the page is for: the steps, and source next to payload.
    await page.getByRole('region', { name: 'Payload sent' }).scrollIntoViewIfNeeded();
    await browser.screenshot(page, 'record-timeline');

    await page.getByRole('region', { name: 'About this record' }).getByRole('link').first().click();
    await page.waitForURL(/\/activity\/runs\/run_/);
    await page.getByRole('heading', { level: 1, name: /^Run of demo-orders, / }).waitFor();
    const counts = page.getByRole('table', { name: 'Records by outcome' });
    expect(
      Number(
        await counts
          .getByRole('row', { name: /^Created/ })
          .getByRole('cell')
          .textContent(),
      ),
    ).toBe(1);
    expect(
      await page
        .getByRole('table', { name: 'API calls per connection' })
        .getByRole('rowheader')
        .allTextContents(),
    ).toContain('demo-exact');
    await page
      .getByRole('table', { name: 'Records of this run' })
      .getByRole('link', { name: new RegExp(`^Exact sales invoice ${invoiceNumber} `) })
      .waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
  });
});
