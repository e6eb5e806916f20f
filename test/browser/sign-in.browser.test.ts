import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, startTestBrowser, type TestBrowser } from '../../src/testing/browser.js';
import { startServiceUnderTest, type ServiceUnderTest } from '../../src/testing/service-under-test.js';

describe('signing in to the web app', () => {
  let sut: ServiceUnderTest;
  let browser: TestBrowser;
  beforeAll(async () => {
    sut = await startServiceUnderTest('sqlite');
    browser = await startTestBrowser(sut.service.url, sut.app);
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('sends a visitor to sign in, then to the page they asked for, where the pair is', async () => {
    const page = await browser.signedInPage('viewer');
    await expect.poll(() => page.title()).toBe('Dashboard · Koppel');
    await page.getByRole('heading', { name: 'Demo: Exact Online sandbox → Asperion sandbox' }).waitFor();
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
    ).toContain('Dashboard');
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('offers a sign-in page that is as accessible as the app, and says why a sign-in failed', async () => {
    const page = await browser.newPage();
    await page.goto('/activity');
    await page.waitForURL(/\/login/);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel('E-mail address').fill('nobody@browser.test');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    await browser.screenshot(page, 'sign-in');
  });

  it('signs out, and the next page asks to sign in again', async () => {
    const page = await browser.signedInPage('operator');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto('/activity');
    await page.waitForURL(/\/login\?next=%2Factivity/);
  });

  it('works from the keyboard: the first Tab offers to skip to the content', async () => {
    const page = await browser.signedInPage('viewer');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
  });
});
