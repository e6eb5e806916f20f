import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

describe('the settings pages', () => {
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

  const withToken = (token: string) =>
    fetch(`${sut.service.url}/api/status`, { headers: { authorization: `Bearer ${token}` } });

  it('invites an operator whose one-time link sets a password and signs them in', async () => {
    await owner.goto('/settings');
    await owner.waitForURL(/\/settings\/users$/);
    const invite = owner.getByRole('form', { name: 'Invite a user' });
    await invite.getByLabel('E-mail address').fill('new-operator@browser.test');
    await invite.getByLabel('Name (optional)').fill('Olga Operator');
    await invite.getByLabel('Role').selectOption('operator');
    await invite.getByRole('button', { name: 'Invite' }).click();
    const link = await owner.getByRole('textbox', { name: 'Setup link' }).inputValue();
    expect(link).toMatch(/\/setup\?token=/);
    await owner.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await owner.getByRole('button', { name: 'Copy' }).click();
    await owner.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await owner.evaluate('navigator.clipboard.readText()')).toBe(link);
    const row = owner.getByRole('row', { name: /new-operator@browser\.test/ });
    await expect.poll(() => row.textContent()).toContain('has not chosen a password');
    expect(await accessibilityProblems(owner)).toEqual([]);
    await browser.screenshot(owner, 'settings');

    const invited = await browser.newPage();
    await invited.goto(link);
    await invited.getByLabel(/^Password/).fill('a long new password');
    await invited.getByRole('button', { name: 'Set password and sign in' }).click();
    await invited.waitForURL((url) => url.pathname === '/');
    await invited.getByText('new-operator@browser.test (operator)').waitFor();
    await owner.reload();
    await expect.poll(() => row.textContent()).toContain('active');
  });

  it('changes a user to a viewer, which ends their session, and removes them after asking', async () => {
    const operator = await browser.signedInPage('operator', { email: 'demoted@browser.test' });
    await owner.goto('/settings/users');
    const row = owner.getByRole('row', { name: /demoted@browser\.test/ });
    await row.getByText('Change', { exact: true }).click();
    await row.getByLabel('Role of demoted@browser.test').selectOption('viewer');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await expect.poll(() => row.getByRole('cell').first().textContent()).toBe('viewer');
    await operator.reload();
    await operator.waitForURL(/\/login/);
    await row.getByRole('button', { name: 'Remove demoted@browser.test' }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('creates a token, shown once, that works until it is revoked', async () => {
    await owner
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'API tokens' })
      .click();
    const form = owner.getByRole('form', { name: 'Create a token' });
    await form.getByLabel('Name (what uses it)').fill('backup-script');
    await form.getByLabel('Every pair, also pairs added later').uncheck();
    await form.getByLabel('Demo: Exact Online sandbox → Asperion sandbox').check();
    await form.getByRole('button', { name: 'Create token' }).click();
    const token = await owner.getByRole('textbox', { name: 'New token' }).inputValue();
    expect(token).toMatch(/^kpl_/);
    expect((await withToken(token)).status).toBe(200);
    const pairs = (await (
      await fetch(`${sut.service.url}/api/pairs`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as any;
    expect(pairs.items.map((p: any) => p.name)).toEqual(['Demo: Exact Online sandbox → Asperion sandbox']);
    expect(await accessibilityProblems(owner)).toEqual([]);
    await owner.getByRole('button', { name: 'Done, hide it' }).click();
    await owner.getByRole('button', { name: 'Revoke backup-script' }).click();
    const row = owner.getByRole('row', { name: /backup-script/ });
    await row.getByText(/^revoked /).waitFor();
    expect(await row.textContent()).not.toContain('every pair');
    expect((await withToken(token)).status).toBe(401);
    expect(await owner.getByText(token).count()).toBe(0);
  });

  it('changes the retention days, and says at the field what it refuses', async () => {
    await owner.goto('/settings/retention');
    const retention = owner.getByRole('form', { name: 'Retention' });
    const payloadDays = retention.getByLabel('Days stored payloads are kept');
    await payloadDays.fill('500');
    await retention.getByRole('button', { name: 'Save' }).click();
    await retention.getByRole('alert').filter({ hasText: 'must not exceed metadataDays' }).waitFor();
    expect(await payloadDays.getAttribute('aria-invalid')).toBe('true');
    await payloadDays.fill('12');
    await retention.getByRole('button', { name: 'Save' }).click();
    await retention.getByRole('status').filter({ hasText: 'Retention: saved.' }).waitFor();
    const answer = await owner.request.get('/api/settings');
    const stored = (await answer.json()).items.find((s: any) => s.key === 'retention');
    expect(stored.effective.payloadDays).toBe(12);
    expect(await accessibilityProblems(owner)).toEqual([]);
  });

  it('shows a viewer the settings in words and none of the owner controls', async () => {
    const viewer = await browser.signedInPage('viewer');
    await viewer.goto('/settings/users');
    await viewer.waitForURL(/\/settings\/retention$/);
    await viewer.getByRole('heading', { name: 'Retention', exact: true }).waitFor();
    const row = viewer.getByRole('row', { name: /Days stored payloads are kept/ });
    expect(await row.textContent()).toContain('12');
    expect(await viewer.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Save|Purge now/ }).count()).toBe(0);
    expect(await viewer.getByRole('textbox').count()).toBe(0);
    expect(await accessibilityProblems(viewer)).toEqual([]);
  });
});
