import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { webAppDir } from './web-app.js';

describe.each(testDialects)('the web app as the server serves it (%s)', (dialect) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves its page at each of its paths to a signed-in person, under a policy that runs only its own files', async () => {
    const viewer = await h.signedIn('viewer');
    for (const url of ['/', '/activity', '/activity/records/r-1?tab=timeline', '/dead-letters/x']) {
      const page = await viewer.get(url);
      expect(page.status, url).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.body as string).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js">/);
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe');
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('sends a visitor without a session to sign in, and back to the page afterwards', async () => {
    const page = await h.anonymous().get('/activity?q=INV-7');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/activity?q=INV-7')}`);
  });

  it('serves its assets to anyone, cached for good, and nothing outside them', async () => {
    const script = readdirSync(path.join(webAppDir, 'assets')).find((f) => f.endsWith('.js'))!;
    const asset = await h.anonymous().get(`/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // A path that climbs out reaches no file (the client may normalise it to an unknown path first).
    for (const outside of [
      '/assets/../index.html',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/nope.js',
    ]) {
      const answer = await h.anonymous().get(outside);
      expect([401, 404], outside).toContain(answer.status);
      expect(JSON.stringify(answer.body)).not.toMatch(/koppel|<script/i);
    }
  });

  it('keeps an unknown API path a JSON 404, not a page', async () => {
    const viewer = await h.signedIn('viewer');
    const answer = await viewer.get('/api/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('http.not_found');
  });
});
