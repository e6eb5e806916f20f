import { afterEach, describe, expect, it } from 'vitest';
import { CallCounter, connectorContext } from '../../engine/connector-context.js';
import { buildExactSandbox } from '../../sandboxes/exact-online/server.js';
import { testDialects } from '../../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../../testing/engine-harness.js';
import { VirtualClock } from '../../testing/virtual-clock.js';
import { forEachLimited } from '../../engine/concurrency.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { exactFetch } from './exact-fetch.js';
import { ExactRateGovernor } from './rate-governor.js';

interface LogEntry {
  at: string;
  path: string;
  status: number;
}

describe.each(testDialects)('the rate governor against the Exact Online sandbox on %s', (dialect) => {
  let h: EngineHarness;
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
    await h?.close();
  });

  async function setUp(settings: Record<string, number> = {}) {
    h = await createEngineHarness(dialect);
    const clock = new VirtualClock('2026-03-10T09:00:30.000Z');
    h.deps.clock = clock;
    const { app, state } = buildExactSandbox({ clock, seed: 'demo' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    if (Object.keys(settings).length)
      await fetch(`${url}/__sandbox/settings`, { method: 'PUT', body: JSON.stringify(settings) });
    const token = (
      (await (await fetch(`${url}/__sandbox/tokens`, { method: 'POST', body: '{}' })).json()) as {
        access_token: string;
      }
    ).access_token;
    const division = state.divisions[0]!.code;
    const row = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'tgt')
      .executeTakeFirstOrThrow();
    const ctx: ConnectorContext = connectorContext(
      h.deps,
      row,
      new CallCounter(),
      new AbortController().signal,
    );
    const governor = new ExactRateGovernor(clock);
    const endpoint = '/api/v1/{division}/vat/VATCodes';
    const get = () =>
      exactFetch(ctx, governor, {
        method: 'GET',
        url: `${url}/api/v1/${division}/vat/VATCodes`,
        endpoint,
        accessToken: token,
      });
    const log = async () => (await (await fetch(`${url}/__sandbox/requests`)).json()) as LogEntry[];
    return { clock, url, token, division, governor, get, log, ctx };
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
