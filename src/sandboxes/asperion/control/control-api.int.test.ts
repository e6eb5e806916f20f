import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { sandboxes } from '../../index.js';
import { defaultClientId, defaultClientSecret } from '../credentials.js';
import type { TestSandbox } from '../testing/test-sandbox.js';
import { startTestSandbox } from '../testing/test-sandbox.js';

const newDebtor = {
  name: 'Tijdelijk',
  address: 'Laan 1',
  postCode: '1000 AA',
  city: 'Amsterdam',
  countryCode: 'NL',
};

describe('Asperion sandbox control API (§6.5)', () => {
  let sb: TestSandbox;
  beforeEach(async () => {
    sb = await startTestSandbox();
  });
  afterEach(() => sb.close());

  it('logs API requests with their headers and resolved administration, but not control requests', async () => {
    await sb.call('GET', '/v1/debtors', { headers: { 'X-Tenant-Id': '2', 'Accept-Language': 'en-US' } });
    const { body } = await sb.call('GET', '/__sandbox/requests');
    expect(body.requests).toHaveLength(1);
    expect(body.requests[0]).toMatchObject({
      method: 'GET',
      url: '/v1/debtors',
      status: 200,
      administrationId: 2,
      headers: { 'x-tenant-id': '2', 'accept-language': 'en-US', authorization: `Bearer ${sb.token}` },
    });
    await sb.call('DELETE', '/__sandbox/requests');
    expect((await sb.call('GET', '/__sandbox/requests')).body.requests).toEqual([]);
  });

  it('revokes access tokens server-side: the API answers 401, the refresh token still works', async () => {
    const minted = (await sb.call('POST', '/__sandbox/tokens', { body: {} })).body as {
      access_token: string;
      refresh_token: string;
    };
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const revoked = await sb.call('POST', '/__sandbox/tokens/revoke', {
      body: { accessToken: minted.access_token },
    });
    expect(revoked.body).toEqual({ revoked: 1 });
    const refused = await sb.call('GET', '/v1/debtors', bearer(minted.access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await sb.call('GET', '/v1/debtors')).status).toBe(200);

    const renewed = await fetch(`${sb.url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: minted.refresh_token,
        client_id: defaultClientId,
        client_secret: defaultClientSecret,
      }),
    });
    expect(renewed.status).toBe(200);
    const { access_token } = (await renewed.json()) as { access_token: string };
    expect((await sb.call('GET', '/v1/debtors', bearer(access_token))).status).toBe(200);

    expect((await sb.call('POST', '/__sandbox/tokens/revoke', { body: {} })).body).toEqual({ revoked: 2 });
    expect((await sb.call('GET', '/v1/debtors')).status).toBe(401);
  });

  it('resets data and settings to the seed', async () => {
    await sb.call('POST', '/v1/debtors', { body: newDebtor });
    await sb.call('PUT', '/__sandbox/settings', { body: { validationStatus: 422 } });
    await sb.call('POST', '/__sandbox/reset', { body: {} });
    expect((await sb.call('GET', '/__sandbox/settings')).body.validationStatus).toBe(400);
    const token = (await sb.call('POST', '/__sandbox/tokens', { body: {} })).body.access_token;
    const list = await sb.call('GET', '/v1/debtors?Name=Tijdelijk', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.body._meta.totalCount).toBe(0);
  });

  it('loads the empty seed and a fixture with exactly the records a test needs', async () => {
    await sb.call('POST', '/__sandbox/seed', { body: { seed: 'empty' } });
    let token = (await sb.call('POST', '/__sandbox/tokens', { body: {} })).body.access_token;
    const empty = await sb.call('GET', '/v1/vatcodes', { headers: { authorization: `Bearer ${token}` } });
    expect(empty.body._meta.totalCount).toBe(0);

    const fixture = {
      users: [{ username: 'u', password: 'p', administrationIds: [7], defaultAdministrationId: 7 }],
      administrations: [
        {
          id: 7,
          name: 'Fixture B.V.',
          records: { journals: [{ id: '70', description: 'Verkoop', type: 'Sales' }] },
        },
      ],
    };
    expect((await sb.call('POST', '/__sandbox/seed', { body: { fixture } })).status).toBe(200);
    token = (await sb.call('POST', '/__sandbox/tokens', { body: { username: 'u' } })).body.access_token;
    const journals = await sb.call('GET', '/v1/journals', { headers: { authorization: `Bearer ${token}` } });
    expect(journals.body._meta).toMatchObject({ administrationId: 7, totalCount: 1 });
    expect((await sb.call('POST', '/__sandbox/seed', { body: { fixture: { users: [] } } })).status).toBe(400);
    const orphan = {
      users: [{ username: 'u', password: 'p', administrationIds: [8], defaultAdministrationId: 8 }],
      administrations: [],
    };
    expect((await sb.call('POST', '/__sandbox/seed', { body: { fixture: orphan } })).status).toBe(400);
  });

  it('refuses unknown or ill-typed settings with ProblemDetails and keeps the old ones', async () => {
    const bad = await sb.call('PUT', '/__sandbox/settings', {
      body: { validationStatus: 418, colour: 'blue' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toBeDefined();
    expect((await sb.call('GET', '/__sandbox/settings')).body.validationStatus).toBe(400);
  });

  it('advances the clock, which expires tokens', async () => {
    const short = (await sb.call('POST', '/__sandbox/tokens', { body: { expiresInSeconds: 10 } })).body
      .access_token;
    const auth = { authorization: `Bearer ${short}` };
    expect((await sb.call('GET', '/v1/journals', { headers: auth })).status).toBe(200);
    const advanced = await sb.call('POST', '/__sandbox/clock/advance', { body: { seconds: 10 } });
    expect(advanced.body.now).toBe('2026-01-15T09:00:10.000Z');
    expect((await sb.call('GET', '/v1/journals', { headers: auth })).status).toBe(401);
  });

  it('runs the clock faster when its speed is set', async () => {
    expect((await sb.call('PUT', '/__sandbox/clock', { body: { speed: 3600 } })).body.speed).toBe(3600);
    sb.clock.advance(1_000); // one base second is an hour of sandbox time
    expect((await sb.call('GET', '/__sandbox/clock')).body.now).toBe('2026-01-15T10:00:00.000Z');
    expect((await sb.call('PUT', '/__sandbox/clock', { body: { speed: -1 } })).status).toBe(400);
  });

  it('rate limits per token and administration with 429 and Retry-After when enabled', async () => {
    await sb.call('PUT', '/__sandbox/settings', {
      body: { rateLimit: { enabled: true, requests: 2, windowSeconds: 60 } },
    });
    expect((await sb.call('GET', '/v1/journals')).status).toBe(200);
    expect((await sb.call('GET', '/v1/journals')).status).toBe(200);
    const limited = await sb.call('GET', '/v1/journals');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await sb.call('GET', '/v1/journals', { headers: { 'X-Tenant-Id': '2' } })).status).toBe(200);
    sb.clock.advance(60_000);
    expect((await sb.call('GET', '/v1/journals')).status).toBe(200);
  });

  it('injects errors and timeouts, repeatably for the same seed', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 1, errorStatus: 502 } } });
    const failed = await sb.call('GET', '/v1/journals');
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ status: 502, traceId: expect.any(String) });
    await sb.call('PUT', '/__sandbox/settings', {
      body: { faults: { errorRate: 0, timeoutRate: 1, timeoutMs: 0 } },
    });
    expect((await sb.call('GET', '/v1/journals')).status).toBe(504);

    const pattern = async (s: TestSandbox) => {
      await s.call('PUT', '/__sandbox/settings', {
        body: { faults: { errorRate: 0.5, errorStatus: 503, timeoutRate: 0, seed: 42 } },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await s.call('GET', '/v1/journals')).status);
      return statuses;
    };
    const other = await startTestSandbox();
    try {
      const [a, b] = [await pattern(sb), await pattern(other)];
      expect(new Set(a)).toEqual(new Set([200, 503]));
      expect(a).toEqual(b);
    } finally {
      await other.close();
    }
  });

  it('adds administrations for a user, with reference data, that its tokens reach', async () => {
    const added = await sb.call('POST', '/__sandbox/administrations', { body: { count: 2 } });
    expect(added.status).toBe(201);
    expect(added.body.administrations.map((a: { id: number }) => a.id)).toEqual([4, 5]);
    const listed = await sb.call('GET', '/v1/administrations');
    expect(listed.body._data.map((a: { id: number }) => a.id)).toEqual(expect.arrayContaining([1, 2, 4, 5]));
    const journals = await sb.call('GET', '/v1/journals', { headers: { 'X-Tenant-Id': '5' } });
    expect(journals.status).toBe(200);
    expect(journals.body._data.length).toBeGreaterThan(0);
    // Another user's administration stays out of reach.
    const other = await sb.call('POST', '/__sandbox/administrations', {
      body: { count: 1, username: 'other@koppel.test', seed: 'empty' },
    });
    expect(other.body.administrations[0].id).toBe(6);
    expect((await sb.call('GET', '/v1/journals', { headers: { 'X-Tenant-Id': '6' } })).status).toBe(403);
  });

  it('keeps as many requests in its log as requestLogSize says, the newest', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { requestLogSize: 2 } });
    for (const path of ['/v1/journals', '/v1/debtors', '/v1/articles']) await sb.call('GET', path);
    const { body } = await sb.call('GET', '/__sandbox/requests');
    expect(body.requests.map((r: { url: string }) => r.url)).toEqual(['/v1/debtors', '/v1/articles']);
  });

  it('holds an answer for the latency plus at most the spread, on the injected clock', async () => {
    await sb.call('PUT', '/__sandbox/settings', {
      body: { faults: { latencyMs: 100, latencySpreadMs: 200 } },
    });
    let settled = false;
    const pending = sb.call('GET', '/v1/journals').then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sb.clock.advance(99);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    sb.clock.advance(201);
    expect((await pending).status).toBe(200);
  });

  it('delays responses by latencyMs on the injected clock', async () => {
    await sb.call('PUT', '/__sandbox/settings', { body: { faults: { latencyMs: 5000 } } });
    let settled = false;
    const pending = sb.call('GET', '/v1/journals').then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    sb.clock.advance(5000);
    expect((await pending).status).toBe(200);
  });

  it('is registered for `koppel sandbox asperion` and reports its URL', async () => {
    const descriptor = sandboxes.find((s) => s.name === 'asperion');
    expect(descriptor?.defaultPort).toBe(4020);
    const running = await descriptor!.start({
      host: '127.0.0.1',
      port: 0,
      seed: 'empty',
      clock: new ManualClock(),
    });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${running.url}/v1/administrations`)).status).toBe(401);
    } finally {
      await running.close();
    }
  });
});
