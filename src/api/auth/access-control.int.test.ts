import http from 'node:http';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginThrottle } from '../../access/login.js';
import { hashSecretToken } from '../../access/secret-token.js';
import { testDialects } from '../../testing/databases.js';
import { ApiClient, startApiHarness, testPassword, type ApiHarness } from '../../testing/api-harness.js';

/** A raw request with a Host header of our choosing (fetch does not let a page, or a test, set one). */
function requestWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname, port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe.each(testDialects)('who may use the HTTP API (%s)', (dialect) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness(dialect);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a request without credentials with the one error shape, and sends pages to sign-in', async () => {
    const answer = await h.anonymous().get('/api/status');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      error: { code: 'auth.required', kind: 'auth', message: expect.stringContaining('Sign in') },
    });
    const page = await h.anonymous().get('/');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2F');
    // An unknown path says as little to a stranger, and 404 in the same shape to someone signed in.
    expect((await h.anonymous().get('/api/nothing-here')).status).toBe(401);
    const viewer = await h.signedIn('viewer');
    expect((await viewer.get('/api/nothing-here')).body.error).toMatchObject({
      code: 'http.not_found',
      kind: 'not_found',
    });
  });

  it('serves the sign-in page with a script that runs only under its own nonce', async () => {
    const page = await h.anonymous().get('/login?next=/api/docs');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain("default-src 'none'");
    // A base64 nonce may hold `+` and `/`, which a regular expression would read as syntax.
    const quoted = nonce?.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const script = new RegExp(`<script nonce="${quoted}">([\\s\\S]*?)</script>`).exec(
      page.body as string,
    )?.[1];
    expect(script).toBeDefined();
    // It parses, and it goes only where the page was asked to go next, on this site.
    expect(() => new vm.Script(script!)).not.toThrow();
    expect(script).toContain('location.assign("/api/docs")');
    const offsite = await h.anonymous().get('/login?next=//evil.example/');
    expect(offsite.body).toContain('location.assign("/")');
  });

  it('answers /healthz to anyone, without details', async () => {
    const answer = await h.anonymous().get('/healthz');
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('signs a user in with a session cookie that is HttpOnly and SameSite, and out again', async () => {
    const owner = await h.signedIn('owner', { email: 'Owner@Example.COM' });
    const session = await owner.get('/api/session');
    expect(session.body.principal).toMatchObject({ kind: 'user', name: 'owner@example.com', role: 'owner' });
    const client = new ApiClient(h.url);
    const signIn = await client.post('/api/session', { email: 'OWNER@example.com', password: testPassword });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('koppel_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // Plain HTTP here; over HTTPS (or a proxy that says so) the cookie is Secure as well.
    expect(cookie).not.toMatch(/Secure/i);
    client.csrfToken = signIn.body.csrfToken;
    expect((await client.get('/api/status')).status).toBe(200);
    expect((await client.delete('/api/session')).status).toBe(204);
    expect((await client.get('/api/status')).status).toBe(401);
  });

  it('ends a session left idle too long, and one past its absolute end however busy', async () => {
    const { db } = h.app.store;
    const idle = await h.signedIn('viewer');
    const { sessionIdleMinutes, sessionMaxHours } = h.app.config;
    const sessionOf = async (client: ApiClient) => {
      const cookie = client.cookieHeader().match(/koppel_session=([^;]+)/)![1]!;
      return hashSecretToken(decodeURIComponent(cookie));
    };
    const longAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    await db
      .updateTable('sessions')
      .set({ last_seen_at: longAgo(sessionIdleMinutes + 1) })
      .where('id', '=', await sessionOf(idle))
      .execute();
    expect((await idle.get('/api/status')).status).toBe(401);
    const busy = await h.signedIn('viewer');
    await db
      .updateTable('sessions')
      .set({ expires_at: longAgo(1), created_at: longAgo(sessionMaxHours * 60 + 1) })
      .where('id', '=', await sessionOf(busy))
      .execute();
    expect((await busy.get('/api/status')).status).toBe(401);
    // Ended sessions are gone from the store, not just refused.
    expect(
      await db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', await sessionOf(busy))
        .execute(),
    ).toEqual([]);
  });

  it('refuses a wrong password, then every attempt on that account while it is blocked', async () => {
    await h.signedIn('viewer', { email: 'target@koppel.test' });
    const guesser = new ApiClient(h.url);
    for (let i = 0; i < loginThrottle.accountFailures; i++) {
      const wrong = await guesser.post('/api/session', {
        email: 'target@koppel.test',
        password: `guess ${i}`,
      });
      expect(wrong.body.error.code).toBe('auth.login_failed');
    }
    const blocked = await guesser.post('/api/session', {
      email: 'target@koppel.test',
      password: testPassword,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('auth.throttled');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a cookie-borne state change without the CSRF token, and a cross-site one', async () => {
    const operator = await h.signedIn('operator');
    const noToken = await operator.call('POST', '/api/flows/none/runs', undefined, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('auth.csrf');
    // What a hostile page's form or fetch would send: text/plain, its own Origin, no token.
    const crossSite = await operator.call('POST', '/api/flows/none/runs', undefined, {
      csrf: false,
      raw: '{}',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const withToken = await operator.post('/api/flows/none/runs');
    expect(withToken.status).toBe(404);
  });

  it('answers only the host names it is configured for', async () => {
    const port = new URL(h.url).port;
    expect((await requestWithHost(h.url, '/healthz', `127.0.0.1:${port}`)).status).toBe(200);
    const rebound = await requestWithHost(h.url, '/api/status', `attacker.example:${port}`);
    expect(rebound.status).toBe(400);
    expect(JSON.parse(rebound.body).error.code).toBe('http.host_not_allowed');
  });

  it('lets an API token in without a cookie or CSRF token, and refuses role it does not have', async () => {
    const viewer = await h.withToken('viewer');
    expect((await viewer.get('/api/status')).status).toBe(200);
    const start = await viewer.post('/api/flows/none/runs');
    expect(start.status).toBe(403);
    expect(start.body.error).toMatchObject({ code: 'auth.forbidden', kind: 'forbidden' });
    const bogus = new ApiClient(h.url, 'kpl_not-a-token');
    expect((await bogus.get('/api/status')).body.error.code).toBe('auth.bad_token');
  });
});
