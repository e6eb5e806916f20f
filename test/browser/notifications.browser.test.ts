import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackPath } from '../../src/engine/notifications/ack-token.js';
import { getAlert, openAlert } from '../../src/store/repos/alerts.js';
import { sampleAlert } from '../../src/testing/alert-fixtures.js';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

describe('notifications and alerts in the web app', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  let owner: Page;
  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
    owner = await browser.signedInPage('owner', { email: 'owner@browser.test' });
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('lets an owner add an e-mail recipient, stored as entered, and send it a test message', async () => {
    await owner.goto('/settings');
    await owner
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Notifications' })
      .click();
    await owner.waitForURL(/\/settings\/notifications$/);
    const form = owner.getByRole('form', { name: 'Add a recipient' });
    await form.getByLabel('Name', { exact: true }).fill('Office');
    await form.getByLabel('E-mail address').fill('office@example.com');
    await form.getByLabel('From severity').selectOption('info');
    await form.getByRole('button', { name: 'Add recipient' }).click();
    const row = owner.getByRole('row', { name: /Office/ });
    await expect.poll(() => row.textContent()).toContain('office@example.com');

    const stored = await owner.request.get('/api/notifications');
    expect(stored.status()).toBe(200);
    expect(((await stored.json()) as any).recipients).toEqual([
      { name: 'Office', email: 'office@example.com', minSeverity: 'info' },
    ]);

    await row.getByRole('button', { name: 'Send test to Office' }).click();
    await row.getByRole('status').filter({ hasText: 'Test message queued.' }).waitFor();
    const deliveries = owner.getByRole('table', { name: /Messages sent, waiting and given up/ });
    await expect.poll(() => deliveries.textContent()).toContain('[Koppel] Test message');
    expect(await accessibilityProblems(owner)).toEqual([]);
    await browser.screenshot(owner, 'settings-notifications');
  });

  it('shows a viewer the recipients without a way to change them', async () => {
    const viewer = await browser.signedInPage('viewer');
    await viewer.goto('/settings/notifications');
    await viewer.getByRole('row', { name: /Office/ }).waitFor();
    expect(await viewer.getByRole('form', { name: 'Add a recipient' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Edit|Remove|Send test/ }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await accessibilityProblems(viewer)).toEqual([]);
  });

  it('shows an open alert on the dashboard, where an operator acknowledges it', async () => {
    const alert = sampleAlert({ pair_id: 'demo', title: 'Orders of the demo are stuck' });
    await openAlert(sut.app.store.db, alert);
    const operator = await browser.signedInPage('operator');
    await operator.goto('/');
    const panel = operator.getByRole('region', { name: 'Alerts' });
    const item = panel.getByRole('listitem').filter({ hasText: 'Orders of the demo are stuck' });
    await item.waitFor();
    expect(await item.textContent()).toContain('3 documents');
    expect(
      await item
        .getByRole('link', {
          name: 'Correct the e-mail address, then replay. (Orders of the demo are stuck)',
        })
        .getAttribute('href'),
    ).toBe('/dead-letters');
    expect(await accessibilityProblems(operator)).toEqual([]);
    await item.getByRole('button', { name: 'Acknowledge: Orders of the demo are stuck' }).click();
    await expect.poll(() => item.textContent()).toContain('acknowledged');
    expect((await getAlert(sut.app.store.db, alert.id))?.acknowledged_at).not.toBeNull();
  });

  it('acknowledges from a message’s link with its button, and refuses a wrong token', async () => {
    const alert = sampleAlert({ pair_id: 'demo', title: 'The Exact connection is paused' });
    await openAlert(sut.app.store.db, alert);
    // A signed-in browser too: the page posts without the session, the token being the credential.
    for (const page of [await browser.newPage(), owner]) {
      await page.goto(`/alerts/${alert.id}/acknowledge?token=wrong`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      expect(await page.content()).not.toContain('The Exact connection is paused');
    }
    const reader = await browser.newPage();
    await reader.goto(ackPath(sut.app.box, alert.id));
    await reader.getByText('The Exact connection is paused').waitFor();
    expect((await getAlert(sut.app.store.db, alert.id))?.acknowledged_at).toBeNull();
    expect(await accessibilityProblems(reader)).toEqual([]);
    await reader.getByRole('button', { name: 'Acknowledge' }).click();
    await reader.getByRole('heading', { name: 'Acknowledged' }).waitFor();
    expect((await getAlert(sut.app.store.db, alert.id))?.acknowledged_by).toBe('link');

    const second = sampleAlert({ pair_id: 'demo', title: 'Another problem' });
    await openAlert(sut.app.store.db, second);
    await owner.goto(ackPath(sut.app.box, second.id));
    await owner.getByRole('button', { name: 'Acknowledge' }).click();
    await owner.getByRole('heading', { name: 'Acknowledged' }).waitFor();
    expect((await getAlert(sut.app.store.db, second.id))?.acknowledged_by).toBe('link');
  });
});
