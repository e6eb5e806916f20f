import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds, mintSandboxTokens } from '../../src/cli/demo/demo-setup.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { byRef } from '../../src/testing/flow-test-pair.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the sandboxes' and the API's JSON as it comes */

const sharedEmail = 'verkoop@jansen.dead-letters.example.nl';

/** Poll until `read` gives something (a run ends in the service's workers, not in the request). */
async function eventually<T>(read: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const until = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A run of the demo's orders flow through the API, as the signed-in person, and every run until no
 * other is waiting: the sandbox's webhooks start runs of their own, which may read a document first.
 */
async function runOrders(sut: ServiceUnderTest, page: Page): Promise<void> {
  const { csrfToken } = (await (await page.request.get('/api/session')).json()) as any;
  const res = await page.request.post(`/api/flows/${demoIds.flow}/runs`, {
    headers: { 'x-csrf-token': csrfToken },
    data: {},
  });
  expect(res.status(), await res.text()).toBe(202);
  await eventually(async () => (await sut.pendingRuns()) === 0, 'the orders runs');
}

describe('fixing and replaying dead letters in the web app', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  let installerInvoice: string;
  let bakeryDebtor: any;

  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
    // Two companies that share one mailbox (in another case): debtors are matched on e-mail.
    const company = (name: string, code: string, email: string, country: string | null = 'NL') =>
      sut.exact('POST', 'crm/Accounts', {
        Code: code,
        Name: name,
        Email: email,
        AddressLine1: 'Stationsstraat 12',
        Postcode: '3511 AA',
        City: 'Utrecht',
        ...(country ? { Country: country } : {}),
        Status: 'C',
      });
    const bakery = await company('Bakkerij Jansen B.V.', '990004', sharedEmail);
    const installer = await company('Jansen Installatietechniek', '990005', sharedEmail.toUpperCase());
    const { results } = await sut.exact(
      'GET',
      "logistics/Items?$select=ID,Code&$filter=Code ne 'VERZEND'&$top=1",
    );
    const invoice = async (customer: any, extra: Record<string, unknown> = {}) =>
      (
        await sut.exact('POST', 'salesinvoice/SalesInvoices', {
          Journal: '70',
          OrderedBy: customer.ID,
          SalesInvoiceLines: [{ Item: results[0].ID, Quantity: 2, UnitPrice: 12.5, VATCode: 'VH' }],
          ...extra,
        })
      ).InvoiceID as string;
    const operator = await browser.signedInPage('operator');
    // The bakery orders first and gets a debtor by the shared e-mail; the installer's order then
    // matches the bakery's debtor, which is not this customer: it is parked as ambiguous.
    const bakeryInvoice = await invoice(bakery);
    await runOrders(sut, operator);
    const booked = await eventually(
      async () => byRef(await sut.asperionInvoices(), bakeryInvoice),
      "the bakery's invoice in Asperion",
    );
    bakeryDebtor = { customerNumber: String(booked.debtorCustomerNumber) };
    installerInvoice = await invoice(installer);
    // And the order of a customer whose country nobody filled in, in Exact.
    await invoice(await company('Zonder Land', '990006', 'zonder.land@dead-letters.example.nl', null));
    await runOrders(sut, operator);
    const open = await eventually(async () => {
      const { items } = (await (await operator.request.get('/api/dead-letters?state=open')).json()) as any;
      return items.length >= 2 && items;
    }, 'two dead letters');
    expect(open.map((d: any) => d.error.code).sort()).toEqual([
      'orders.ambiguous_debtor',
      'orders.no_country',
    ]);
    await operator.context().close();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('shows a viewer the dead letter grouped with its sentence and where to fix it, and no buttons', async () => {
    const page = await browser.signedInPage('viewer');
    await page.goto('/dead-letters');
    await expect.poll(() => page.title()).toBe('Dead letters · Koppel');
    const group = page.getByRole('region', { name: /demo-orders: orders\.ambiguous_debtor/ });
    await group.waitFor();
    expect(await group.getByRole('heading').textContent()).toContain('1 open');
    expect(await group.textContent()).toContain('Jansen Installatietechniek');
    expect(await group.textContent()).toContain('Where to fix it: a choice only you can make');
    await group.getByRole('table', { name: 'Open dead letters with orders.ambiguous_debtor' }).waitFor();
    // The country is fixed in Exact; the page links to the record with what was read there.
    const noCountry = page.getByRole('region', { name: /demo-orders: orders\.no_country/ });
    expect(await noCountry.textContent()).toContain('Where to fix it: the document in the source system');
    const [letter] = (await (await page.request.get('/api/dead-letters?code=orders.no_country')).json())
      .items;
    expect(
      await noCountry.getByRole('link', { name: `Open the record of ${letter.label}` }).getAttribute('href'),
    ).toBe(`/activity/records/${letter.recordId}`);
    expect(await page.getByRole('button', { name: /Replay|Dismiss|Use this debtor/ }).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);

    // An alert's link names one flow and error: the page opens on that group alone.
    await page.goto('/dead-letters?flow=demo-orders&error=orders.no_country');
    await page.getByRole('region', { name: /demo-orders: orders\.no_country/ }).waitFor();
    expect(await page.getByRole('region', { name: /orders\.ambiguous_debtor/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Show every group' }).click();
    await page.getByRole('region', { name: /demo-orders: orders\.ambiguous_debtor/ }).waitFor();
  });

  it('lets an operator choose the debtor a person made, replay, and see the invoice booked on it', async () => {
    // The installer's own debtor, made by a person in Asperion.
    const asperion = sut.sandboxes.asperion.url;
    const { access_token } = await mintSandboxTokens(asperion, '/__sandbox/tokens', {});
    const res = await fetch(`${asperion}/v1/debtors`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access_token}`,
        'x-tenant-id': '1',
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        name: 'Jansen Installatietechniek',
        address: 'Stationsstraat 12',
        postCode: '3511 AA',
        city: 'Utrecht',
        countryCode: 'NL',
        emailAddress: sharedEmail,
      }),
    });
    const installerDebtor = (await res.json()) as any;
    expect(res.status, JSON.stringify(installerDebtor)).toBe(201);

    const page = await browser.signedInPage('operator');
    await page.goto('/dead-letters');
    const group = page.getByRole('region', { name: /demo-orders: orders\.ambiguous_debtor/ });
    const choice = group.getByRole('group', {
      name: /Which Asperion debtor do the orders of Exact account 990005 go on/,
    });
    await choice.waitFor();
    // The debtor the match found is offered; it is the bakery's, so another one is chosen.
    await choice
      .getByRole('radio', { name: new RegExp(`^${bakeryDebtor.customerNumber} Bakkerij Jansen`) })
      .waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await browser.screenshot(page, 'dead-letters');

    // Choosing nothing is said in place, and nothing is sent.
    await choice.getByRole('button', { name: 'Use this debtor and replay' }).click();
    await choice.getByRole('alert').filter({ hasText: 'Choose a debtor first.' }).waitFor();

    await choice.getByRole('radio', { name: 'Another debtor' }).check();
    await choice
      .getByLabel('Customer number of the other debtor')
      .fill(String(installerDebtor.customerNumber));
    await choice.getByRole('button', { name: 'Use this debtor and replay' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Replayed 1: 1 went through, 0 failed again.' })
      .first()
      .waitFor({ timeout: 60_000 });
    await group.waitFor({ state: 'detached' });

    const booked = byRef(await sut.asperionInvoices(), installerInvoice);
    expect(booked?.debtorCustomerNumber).toBe(installerDebtor.customerNumber);
    const choices = await page.request.get(`/api/flows/${demoIds.flow}/debtor-choices`);
    expect((await choices.json()).items).toEqual([
      expect.objectContaining({ debtor: String(installerDebtor.customerNumber) }),
    ]);

    // Replayed before Exact has a country, it fails again, and the page says so; then it is dismissed.
    const noCountry = page.getByRole('region', { name: /demo-orders: orders\.no_country/ });
    await noCountry.getByRole('button', { name: 'Replay it: orders.no_country in demo-orders' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Replayed 1: 0 went through, 1 failed again.' })
      .first()
      .waitFor({ timeout: 60_000 });
    await noCountry.getByRole('button', { name: /^Dismiss Exact sales invoice/ }).click();
    await noCountry.getByLabel('Why it needs nothing more').fill('Booked by hand in Asperion');
    expect(await accessibilityProblems(page)).toEqual([]);
    await noCountry.getByRole('button', { name: /^Dismiss Exact sales invoice/ }).click();
    await page.getByText('No open dead letters: every document went through.').waitFor();
  });
});
