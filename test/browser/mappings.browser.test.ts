import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIds } from '../../src/cli/demo/demo-setup.js';
import { flowMapping, requireFlow } from '../../src/engine/flow-mapping.js';
import { eventually } from '../../src/testing/api-waits.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';
import { publishMapping } from '../../src/workspace/publish-mapping.js';

describe('the mapping editor', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  let invoiceId: string;

  const deadLetters = (state: string) =>
    sut.app.store.db
      .selectFrom('dead_letters')
      .select(['id', 'error_message'])
      .where('flow_id', '=', demoIds.flow)
      .where('state', '=', state)
      .execute();

  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
    // Someone names the person on the invoice from the customer's contact, which a private
    // customer does not have: the orders flow's next invoice for such a customer fails.
    const active = await flowMapping(sut.app.engine, await requireFlow(sut.app, demoIds.flow));
    const fields = {
      ...active.definition.fields,
      'customer.name': { source: 'Customer.ContactName', required: true },
    };
    await publishMapping(sut.app, { flowId: demoIds.flow, mapping: { ...active.definition, fields } });
    const [person] = (
      await sut.exact(
        'GET',
        "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C' and MainContact eq null&$top=1",
      )
    ).results;
    const [item] = (await sut.exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
      .results;
    const created = await sut.exact('POST', 'salesinvoice/SalesInvoices', {
      Journal: '70',
      OrderedBy: person.ID,
      Description: 'Webshop order of a private customer',
      SalesInvoiceLines: [{ Item: item.ID, Quantity: 1, UnitPrice: 40, VATCode: 'VH' }],
    });
    invoiceId = created.InvoiceID as string;
    // The Exact webhook starts the run; the record fails on its mapping.
    await eventually(async () => ((await deadLetters('open')).length > 0 ? true : undefined), 60_000);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  const sentCopies = async () =>
    (await sut.asperionInvoices()).filter((i) => String(i.description).includes(`[koppel:${invoiceId}]`));

  it('fixes a failing field, previews it right, saves a version with its diff, and the replay succeeds', async () => {
    expect((await deadLetters('open'))[0]?.error_message).toContain('customer.name');
    const page = await browser.signedInPage('owner');
    await page.goto('/mappings');
    const flows = page.getByRole('table', { name: 'Flows and the mapping version they run' });
    const row = flows.getByRole('row', { name: new RegExp(demoIds.flow) });
    await row.waitFor();
    // Its kind, the mapping version it runs and its one open dead letter.
    expect((await row.getByRole('cell').allTextContents()).slice(1)).toEqual(['orders', '1', '1']);
    expect(await accessibilityProblems(page)).toEqual([]);
    await flows.getByRole('link', { name: demoIds.flow }).click();
    await page.getByRole('heading', { name: `Mapping of ${demoIds.flow}` }).waitFor();
    await page.getByText('New runs use version 1.').waitFor();

    // The preview on recent records shows the failure where it is.
    const preview = page.getByRole('region', { name: 'Preview on recent records' });
    await preview
      .getByText(/customer\.name/)
      .first()
      .waitFor();
    await expect.poll(() => preview.getByRole('status').textContent()).toMatch(/[1-9]\d* field errors?/);

    const nameField = page.getByLabel('Path or expression of customer.name');
    await nameField.fill('Customer.Name');
    await expect.poll(() => preview.getByRole('status').textContent()).toMatch(/, 0 field errors\./);
    const changes = preview.getByRole('table', { name: 'What this draft changes' }).first();
    expect(await changes.getByRole('row', { name: /customer\.name/ }).textContent()).toContain('(nothing)');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('heading', { name: 'Fields' }).evaluate((h) => h.scrollIntoView());
    await browser.screenshot(page, 'mapping-fields');

    const save = page.getByRole('region', { name: 'Save' });
    await save.getByRole('button', { name: 'Review changes' }).click();
    await save.getByText('Field customer.name: source changed').waitFor();
    await preview
      .getByRole('heading', { name: 'Preview on recent records' })
      .evaluate((h) => h.scrollIntoView());
    await browser.screenshot(page, 'mapping-editor');
    await save.getByRole('button', { name: 'Save as version 2' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByText('New runs use version 2.', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Replay them with the current mapping' }).click();
    await page.getByText('1 queued for replay').waitFor();
    const [sent] = await eventually(async () => {
      const copies = await sentCopies();
      return copies.length > 0 ? copies : undefined;
    }, 60_000);
    expect(sent.amountExclVat).toBe(40);
    expect(await deadLetters('open')).toEqual([]);
    await page.getByText('No open dead letters.').waitFor();

    // Rollback: the flow runs the broken version again, until someone makes version 2 active.
    const versions = page.getByRole('table', { name: /Every version of this mapping/ });
    await versions.getByRole('button', { name: 'Use version 1' }).click();
    await page.getByText('New runs use version 1.', { exact: true }).waitFor();
    await versions.getByRole('button', { name: 'Use version 2' }).click();
    await page.getByText('New runs use version 2.', { exact: true }).waitFor();
    const flow = await requireFlow(sut.app, demoIds.flow);
    expect(flow.mappingVersion).toBe(2);
  });

  it("reads every demo flow's mapping into the editor and back without a change", async () => {
    const page = await browser.signedInPage('owner');
    for (const flow of ['demo-customers', 'demo-products', 'demo-stock', demoIds.flow]) {
      await page.goto(`/mappings/${flow}`);
      const save = page.getByRole('region', { name: 'Save' });
      await save.getByRole('button', { name: 'Review changes' }).click();
      await save.getByText('The draft is the same as the active version: nothing to save.').waitFor();
    }
  });

  it('shows a viewer the mapping and its preview, but nothing that changes it', async () => {
    const page = await browser.signedInPage('viewer');
    // A link from a failure opens the editor at the field to look at.
    await page.goto(`/mappings/${demoIds.flow}?field=customer.name`);
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Path or expression of customer.name');
    await page.getByText('You can read and preview this mapping; an owner can change it.').waitFor();
    const field = page.getByLabel('Path or expression of customer.name');
    expect(await field.inputValue()).toBe('Customer.Name');
    expect(await field.getAttribute('readonly')).not.toBeNull();
    await page.getByRole('region', { name: 'Versions' }).waitFor();
    for (const name of [/Review changes/, /Save as/, /Add a field/, /Remove/, /Use version/, /Replay/])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    await page.getByRole('region', { name: 'Preview on recent records' }).getByRole('status').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    // The API refuses a viewer's save anyway.
    const refused = await page.evaluate(async (flowId) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch(`/api/flows/${flowId}/mapping`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ mapping: { fields: { date: { source: 'InvoiceDate' } } } }),
      });
      return res.status;
    }, demoIds.flow);
    expect(refused).toBe(403);
  });
});
