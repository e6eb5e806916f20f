import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { defaultClientId, defaultClientSecret } from '../../src/sandboxes/asperion/credentials.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
} from '../../src/sandboxes/exact-online/credentials.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startFreshService, type FreshService } from '../../src/testing/fresh-service.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's and the sandbox's JSON as it comes */

/**
 * The first scenario, as a new user meets Koppel: from an empty database and the two
 * sandboxes, the first owner through the one-time setup link, then the wizard through both real
 * consent pages to a first synced invoice.
 */
describe('the setup wizard, from nothing to a first synced order', () => {
  let fresh: FreshService;
  let browser: TestBrowser;
  let page: Page;
  beforeAll(async () => {
    fresh = await startFreshService('sqlite');
    browser = await startTestBrowser(fresh.service.url, fresh.app);
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  });
  // Each step goes on from where the one before left the wizard: after a failure the rest only waits.
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
    onTestFailed(() => {
      failed = true;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fresh?.close();
  });

  const accessible = async () => expect(await accessibilityProblems(page)).toEqual([]);
  const heading = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

  it('makes the first owner through the one-time setup link', async () => {
    await page.goto(fresh.setupLink);
    await page.getByLabel('Name').fill('Anna Accountant');
    await page.getByLabel('E-mail address').fill('anna@acme.example');
    await page.getByLabel('Password (at least 10 characters)').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create owner and sign in' }).click();
    await heading('Dashboard');
  });

  it('adds a pair', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connect' }).click();
    await heading('Connect a pair: Pair');
    await accessible();
    await page.getByLabel('Name', { exact: true }).fill('Acme webshop');
    await page.getByLabel('Short name (in web addresses and commands)').fill('acme');
    await page.getByRole('button', { name: 'Add the pair' }).click();
    await heading('Connect a pair: Exact Online');
    expect(new URL(page.url()).pathname).toBe('/setup-wizard/acme/exact');
  });

  it('connects Exact Online through its consent page and works in the division chosen by name', async () => {
    // The redirect URI to register with the app, before any connection exists.
    expect(await page.getByLabel('Redirect URI to paste').inputValue()).toBe(
      `${fresh.service.url}/oauth/callback`,
    );
    // The service offers the sandboxes, as the demo does: choosing one fills in its address and client id.
    expect(await page.getByLabel('Exact Online address').inputValue()).toBe('https://start.exactonline.nl');
    await page
      .getByLabel('Where to connect')
      .selectOption({ label: `Exact Online sandbox (${fresh.sandboxes.exact.url})` });
    expect(await page.getByLabel('Exact Online address').inputValue()).toBe(fresh.sandboxes.exact.url);
    expect(await page.getByLabel('Client id').inputValue()).toBe(defaultExactClientId);
    await page.getByLabel('Client secret').fill(defaultExactClientSecret);
    await accessible();
    await page.getByRole('button', { name: 'Save these details' }).click();
    await page.getByText('not connected yet').waitFor();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    // Exact's consent page, at the sandbox: every division granted.
    await page.waitForURL((u) => u.origin === fresh.sandboxes.exact.url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: /Authorized: choose the division/ }).waitFor();
    await page.getByRole('link', { name: 'Continue the setup' }).click();
    await heading('Connect a pair: Exact Online');
    await page.getByText('connected; choose where to work').waitFor();
    await page.getByLabel('Choose the division').selectOption({ label: 'Fietsenmakerij De Spaak B.V.' });
    await page.getByRole('button', { name: 'Use this one' }).click();
    await page.getByText('connected', { exact: true }).waitFor();
    await accessible();
    await browser.screenshot(page, 'wizard-connect');
  });

  it('connects Asperion the same way and works in the administration chosen by name', async () => {
    await page.getByRole('link', { name: 'Next step: Asperion' }).click();
    await heading('Connect a pair: Asperion');
    await page.getByLabel('Asperion API address').fill(fresh.sandboxes.asperion.url);
    await page.getByLabel('Asperion sign-in address').fill(fresh.sandboxes.asperion.url);
    await page.getByLabel('Client id').fill(defaultClientId);
    await page.getByLabel('Client secret').fill(defaultClientSecret);
    await page.getByRole('button', { name: 'Save these details' }).click();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL((u) => u.origin === fresh.sandboxes.asperion.url);
    await page.getByLabel('Wachtwoord').fill('demo');
    await page.getByRole('button', { name: 'Ja, toestaan' }).click();
    await page.getByRole('link', { name: 'Continue the setup' }).click();
    await heading('Connect a pair: Asperion');
    const choice = page.getByLabel('Choose the administration');
    // The administrations arrive from Asperion after the page: wait for the list, then read it.
    await choice.locator('option').first().waitFor({ state: 'attached' });
    const names = await choice.locator('option').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    await choice.selectOption({ label: names[0]! });
    await page.getByRole('button', { name: 'Use this one' }).click();
    await page.getByText('connected', { exact: true }).waitFor();
    await accessible();
  });

  it('links orders, made switched off', async () => {
    await page.getByRole('link', { name: 'Next step: What to link' }).click();
    await heading('Connect a pair: What to link');
    // Each choice says its direction.
    await page.getByText('Exact Online → Asperion. One record is one', { exact: false }).first().waitFor();
    await page.getByLabel('Orders (Exact Online → Asperion)').check();
    await accessible();
    await page.getByRole('button', { name: 'Add the chosen flows' }).click();
    await page.getByText('(Added)').waitFor();
    const flow = await (await page.request.get('/api/flows/acme-orders')).json();
    expect(flow).toMatchObject({ kind: 'orders', enabled: false, sourceConnectionId: 'acme-exact' });
  });

  it('states the wishes in a form generated from the settings schema, refusals shown at the field', async () => {
    await page.getByRole('link', { name: 'Next step: Your wishes' }).click();
    await heading('Connect a pair: Your wishes');
    const home = page.getByLabel('Home country');
    // The default is filled in, and the field says what it does.
    expect(await home.inputValue()).toBe('NL');
    expect(await home.getAttribute('aria-describedby')).toBeTruthy();
    await home.fill('Netherlands');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await expect.poll(() => home.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await home.getAttribute('aria-describedby'))!
      .split(' ')
      .find((x) => x.endsWith('-error'))!;
    expect(await page.locator(`#${errorId}`).textContent()).toBeTruthy();
    await accessible();
    await home.fill('NL');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await home.getAttribute('aria-invalid')).toBeNull();
  });

  it('maps a VAT code Exact has and Koppel does not know, with the suggestion accepted', async () => {
    await fresh.exact('POST', 'vat/VATCodes', { Code: 'VX', Description: 'BTW export', Type: 'B' });
    await page.getByRole('link', { name: 'Next step: Mappings' }).click();
    await heading('Connect a pair: Mappings');
    const target = page.getByLabel('Asperion value for VAT code VX');
    await target.waitFor({ timeout: 30_000 });
    expect(await target.inputValue()).toBe('EX');
    // A choice among Asperion's own sales VAT codes, not a value to type.
    const options = await page
      .getByRole('combobox', { name: 'Asperion value for VAT code VX' })
      .locator('option')
      .allTextContents();
    expect(options).toEqual(expect.arrayContaining([expect.stringMatching(/^EX: .*\(0 %\)$/)]));
    expect(options.some((o) => o.startsWith('H21: '))).toBe(true);
    await accessible();
    await page.getByRole('button', { name: 'Save these mappings' }).click();
    await page.getByText('Every value has a mapping.').waitFor({ timeout: 30_000 });
    const mapping = await (await page.request.get('/api/flows/acme-orders/mapping')).json();
    expect(mapping.version).toBe(1);
    expect(mapping.definition.valueMaps.vatCodes.entries.VX).toBe('EX');
  });

  let invoiceId: string;
  let invoiceNumber: string;
  it('tests with a dry run that shows the fields it would write, then goes live', async () => {
    // A `$top` answer may be a bare array (reference 4.2).
    const rows = (d: any): any[] => (Array.isArray(d) ? d : d.results);
    const [customer] = rows(
      await fresh.exact('GET', "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C'&$top=1"),
    );
    const [item] = rows(
      await fresh.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"),
    );
    const invoice = await fresh.exact('POST', 'salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: customer.ID,
      Description: 'Wizard order 1',
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 3, UnitPrice: 12.5, VATCode: 'VH' }],
    });
    invoiceId = invoice.InvoiceID;
    // Exact numbers the invoice after the create answered.
    const [stored] = rows(
      await fresh.exact(
        'GET',
        `salesinvoice/SalesInvoices?$select=InvoiceNumber&$filter=InvoiceID eq guid'${invoiceId}'`,
      ),
    );
    invoiceNumber = String(stored.InvoiceNumber);

    await page.getByRole('link', { name: 'Next step: Test and go live' }).click();
    await heading('Connect a pair: Test and go live');
    await page.getByRole('button', { name: 'Dry run of acme-orders' }).click();
    const report = page.locator('table.diff').first();
    await report.waitFor({ timeout: 60_000 });
    expect(await report.locator('caption').textContent()).toContain('create');
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /Read \d+: 1 to create/ })
        .count(),
    ).toBe(1);
    await accessible();
    await browser.screenshot(page, 'wizard-test');
    // Nothing was written by the dry run.
    expect((await (await page.request.get('/api/flows/acme-orders')).json()).lastRun).toBeNull();

    await page.getByRole('button', { name: 'Go live' }).click();
    await page.getByText('Live: the flows are on.', { exact: false }).waitFor();
    expect((await (await page.request.get('/api/flows/acme-orders')).json()).enabled).toBe(true);
  });

  it('syncs the first invoice, which the activity log shows with its timeline', async () => {
    await page.getByRole('button', { name: 'Run acme-orders now' }).click();
    await expect
      .poll(async () => (await (await page.request.get('/api/flows/acme-orders')).json()).lastRun?.state, {
        timeout: 60_000,
      })
      .toBe('succeeded');
    const records = await (await page.request.get('/api/records?flow=acme-orders')).json();
    expect(records.items.map((r: any) => [r.sourceId, r.state])).toEqual([[invoiceId, 'created']]);

    await page.getByRole('link', { name: 'Open the activity log' }).click();
    await expect.poll(() => page.title()).toBe('Activity log · Koppel');
    const search = page.getByRole('search', { name: 'Find records' });
    await search.getByLabel('Invoice number, customer e-mail, article code or id').fill(invoiceNumber);
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: new RegExp(`^Exact sales invoice ${invoiceNumber} `) }).click();
    await page
      .getByRole('heading', { level: 1, name: new RegExp(`^Exact sales invoice ${invoiceNumber}`) })
      .waitFor();
    const steps = await page
      .getByRole('region', { name: 'Timeline' })
      .getByRole('listitem')
      .allTextContents();
    expect(steps.some((x) => x.includes('Created in the target'))).toBe(true);
  });

  it('shows a viewer the steps without a button that changes things; the API refuses them anyway', async () => {
    const viewer = await browser.signedInPage('viewer');
    await viewer.goto('/setup-wizard');
    await viewer.getByRole('link', { name: 'Continue with Acme webshop' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Add the pair' }).count()).toBe(0);
    await viewer.goto('/setup-wizard/acme/exact');
    await viewer.getByText('Fietsenmakerij De Spaak B.V.').waitFor();
    expect(await viewer.getByRole('button', { name: /Connect|Use this one/ }).count()).toBe(0);
    await viewer.goto('/setup-wizard/acme/mappings');
    await viewer.getByText('an operator or an owner can run it', { exact: false }).waitFor();
    expect(await viewer.getByRole('button', { name: /Check again|Save/ }).count()).toBe(0);
    await viewer.goto('/setup-wizard/acme/test');
    await viewer.getByText('Live: the flows are on.', { exact: false }).waitFor();
    expect(await viewer.getByRole('button', { name: /Dry run|Go live|Run/ }).count()).toBe(0);
    expect(await accessibilityProblems(viewer)).toEqual([]);

    const { csrfToken } = await (await viewer.request.get('/api/session')).json();
    const headers = { 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    for (const [path, data] of [
      ['/api/pairs', { id: 'other', name: 'Other' }],
      ['/api/connections/acme-exact/authorize', {}],
      ['/api/flows/acme-orders/disable', {}],
      ['/api/flows/acme-orders/dry-run', {}],
      ['/api/flows/acme-orders/runs', {}],
    ] as const)
      expect((await viewer.request.post(path, { headers, data })).status(), path).toBe(403);
    await viewer.close();
  });
});
