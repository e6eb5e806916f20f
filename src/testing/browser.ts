import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '../access/principal.js';
import { addUser } from '../access/users.js';
import type { App } from '../main.js';
import { testPassword } from './api-harness.js';

/** Debian's Chromium; `.ci/run` installs the package when it is missing. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * The flags this closed network needs: without the background-networking ones Chromium keeps
 * trying to reach Google's hosts and stalls. `--headless` comes from `headless: true`.
 */
const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the tests put the screenshots that README shows, so they always show the current app. */
export const screenshotDir = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** Test-only: a real Chromium (Playwright gives each launch a fresh, empty profile) on one Koppel. */
export interface TestBrowser {
  /** A tab of its own (own cookies: one person per tab), signed in as nobody yet. */
  newPage(): Promise<Page>;
  /** A tab of its own, signed in through the sign-in page as a new user of this role. */
  signedInPage(role: Role, options?: { email?: string }): Promise<Page>;
  /** Save the page as docs/screenshots/<name>.png for README. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Close the browser; throws if any page threw or logged an error on the console. */
  close(): Promise<void>;
}

export async function startTestBrowser(baseUrl: string, app: App): Promise<TestBrowser> {
  // Failing (not skipping) without it: a browser test that silently does not run proves nothing.
  if (!existsSync(chromiumPath))
    throw new Error(
      `The web app's browser tests need Chromium at ${chromiumPath}: apt-get install chromium (.ci/run does)`,
    );
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
  });
  // A page that throws, or logs an error, is broken even when the test's clicks went through.
  const problems: string[] = [];
  let users = 0;
  const newPage = async () => {
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: { width: 1280, height: 860 },
      locale: 'en-GB',
      timezoneId: 'Europe/Amsterdam',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      // A refused request (400/401/403/404/409) is an answer the page handles, not a page error.
      if (m.type() === 'error' && !/status of 4(00|01|03|04|09|22)/.test(m.text()))
        problems.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  };
  return {
    newPage,
    async signedInPage(role, options = {}) {
      const email = options.email ?? `${role}-${++users}@browser.test`;
      await addUser(app.store.db, app.clock, { email, role, password: testPassword });
      const page = await newPage();
      await page.goto('/');
      await page.waitForURL(/\/login/);
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password').fill(testPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      return page;
    },
    async screenshot(page, name) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
    },
    async close() {
      await browser.close();
      if (problems.length > 0) throw new Error(`The pages reported errors:\n${problems.join('\n')}`);
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core finds wrong with the page as it stands (WCAG 2.1 A and AA: names and labels,
 * contrast, landmarks, keyboard): one line per rule and element, empty when nothing is.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the page's Content Security Policy allows.
  await page.evaluate(axeSource);
  // The function runs in the page, where `axe`, `document` and `window` exist; this file knows no DOM.
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  )) as { violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> };
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.help}): ${n.target.join(' ')}`));
}
