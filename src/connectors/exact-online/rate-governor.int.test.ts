import { afterEach, describe, expect, it } from 'vitest';
import { forEachLimited } from '../../engine/concurrency.js';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { exactFetch } from './exact-fetch.js';
import { ExactRateGovernor } from './rate-governor.js';

describe.each(testDialects)('the rate governor against the Exact Online sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  async function setUp(settings: Record<string, number> = {}) {
    x = await startExactFixture(dialect);
    if (Object.keys(settings).length)
      await fetch(`${x.url}/__sandbox/settings`, { method: 'PUT', body: JSON.stringify(settings) });
    const ctx = await x.context();
    const governor = new ExactRateGovernor(x.clock);
    const endpoint = '/api/v1/{division}/vat/VATCodes';
    const get = () =>
      exactFetch(ctx, governor, {
        method: 'GET',
        url: `${x.url}/api/v1/${x.division}/vat/VATCodes`,
        endpoint,
        accessToken: x.accessToken,
      });
    return {
      clock: x.clock,
      url: x.url,
      token: x.accessToken,
      division: x.division,
      governor,
      get,
      log: x.requests,
      ctx,
    };
  }

  it('sends 500 requests from 4 concurrent callers without ever exceeding the minutely limit or getting a 429', async () => {
    const s = await setUp();
    const statuses: number[] = [];
    await forEachLimited(Array.from({ length: 500 }), 4, async () => {
      const res = await s.get();
      statuses.push(res.status);
      await res.body?.cancel();
    });
    expect(statuses.every((st) => st === 200)).toBe(true);
    const calls = (await s.log()).filter((r) => r.path.includes('/vat/VATCodes'));
    expect(calls).toHaveLength(500);
    expect(calls.some((c) => c.status === 429)).toBe(false);
    const perMinute = new Map<string, number>();
    for (const c of calls) perMinute.set(c.at.slice(0, 16), (perMinute.get(c.at.slice(0, 16)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(60);
    expect(perMinute.size).toBeGreaterThanOrEqual(9);
  });

  it('recovers from a 429 caused by another process, and never mistakes it for a spent day', async () => {
    const s = await setUp();
    // Another process of the same app uses up this minute behind our back.
    for (let i = 0; i < 60; i++) {
      const r = await fetch(`${s.url}/api/v1/${s.division}/vat/VATCodes`, {
        headers: { authorization: `Bearer ${s.token}`, accept: 'application/json' },
      });
      await r.body?.cancel();
    }
    const res = await s.get();
    expect(res.status).toBe(200);
    const statuses = (await s.log()).map((r) => r.status);
    expect(statuses.filter((st) => st === 429)).toHaveLength(1);
    expect(s.governor.snapshot().day?.remaining).toBeGreaterThan(4_000);
  });

  it('refuses to call once the day is spent, saying how long until midnight UTC', async () => {
    const s = await setUp({ dailyLimit: 70 });
    let refused: unknown;
    let sent = 0;
    for (let i = 0; i < 100 && !refused; i++) {
      try {
        const r = await s.get();
        await r.body?.cancel();
        sent++;
      } catch (e) {
        refused = e;
      }
    }
    expect(sent).toBe(70);
    expect(refused).toMatchObject({ code: 'exact.daily_limit', kind: 'rate_limited' });
    const midnight = Date.parse('2026-03-11T00:00:00.000Z');
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(midnight - s.clock.now().getTime());
    expect((await s.log()).some((r) => r.status === 429)).toBe(false);
  });

  it("stops calling an endpoint before Exact's hourly error block", async () => {
    const s = await setUp();
    const endpoint = '/api/v1/{division}/crm/Accounts(guid)';
    let refused: unknown;
    let sent = 0;
    for (let i = 0; i < 12 && !refused; i++) {
      try {
        const r = await exactFetch(s.ctx, s.governor, {
          method: 'GET',
          url: `${s.url}/api/v1/${s.division}/crm/Accounts(guid'00000000-0000-0000-0000-00000000000${i % 10}')`,
          endpoint,
          accessToken: s.token,
        });
        await r.body?.cancel();
        sent++;
      } catch (e) {
        refused = e;
      }
    }
    expect(sent).toBe(8);
    expect(refused).toMatchObject({ code: 'exact.error_budget', kind: 'rate_limited' });
    const statuses = (await s.log()).map((r) => r.status);
    expect(statuses).toHaveLength(8);
    expect(statuses.every((st) => st >= 400 && st < 500)).toBe(true);
  });
});
