import { afterEach, describe, expect, it } from 'vitest';
import type { ApiPriority, BudgetReserve } from '../connectors/kit/api-budget.js';
import { readInstallationSettings } from './installation-settings.js';
import { runFlow } from './run-flow.js';
import { exactFetch } from '../connectors/exact-online/exact-fetch.js';
import { governorFor } from '../connectors/exact-online/rate-governor.js';
import { defaultExactClientId } from '../sandboxes/exact-online/credentials.js';
import { startTestSandbox, type TestSandbox } from '../sandboxes/exact-online/test-sandbox.js';
import { listApiBudgets } from '../store/repos/api-budgets.js';
import { upsertConnection } from '../store/repos/connections.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { CallCounter, connectorContext } from './connector-context.js';

const division = 3215711;

/** Resolves when `check` holds, polling the sandbox; fails the test with `what` after 10 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A promise that must settle without anyone moving the clock. */
function withoutClock<T>(what: string, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} waited for the clock to move`)), 5_000),
    ),
  ]);
}

describe.each(testDialects)('the API budget shared by priority on %s', (dialect) => {
  let sandbox: TestSandbox;
  let h: EngineHarness;
  afterEach(async () => {
    await sandbox?.close();
    await h?.close();
  });

  async function setUp(reserve?: BudgetReserve) {
    sandbox = await startTestSandbox('demo', '2026-03-10T09:00:30.000Z');
    h = await createEngineHarness(dialect);
    h.deps.clock = sandbox.clock;
    const token = await sandbox.token();
    const at = sandbox.clock.now().toISOString();
    await upsertConnection(
      h.store.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: { baseUrl: sandbox.url, clientId: defaultExactClientId, division },
        encryptedCredentials: null,
        credentialRefs: {},
      },
      at,
    );
    const row = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const call = async (priority: ApiPriority, path: string) => {
      const ctx = connectorContext(h.deps, row, new CallCounter(), new AbortController().signal, {
        priority,
        ...(reserve ? { reserve } : {}),
      });
      const governor = governorFor(defaultExactClientId, division, sandbox.clock, ctx.budget);
      const res = await exactFetch(ctx, governor, {
        method: 'GET',
        url: `${sandbox.url}/api/v1/${division}/${path}`,
        endpoint: `/api/v1/{division}/${path}`,
        accessToken: token,
      });
      await res.body?.cancel();
      return res.status;
    };
    const log = async () =>
      (
        (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Array<{
          at: string;
          path: string;
          status: number;
        }>
      ).filter((r) => r.path.startsWith('/api/v1/'));
    return { call, log };
  }

  it('keeps 10 calls of every minute for live work while a backfill runs, and lets live go first when the minute turns', async () => {
    const s = await setUp();
    const live = (n: number) => s.call('live', `salesorder/SalesOrders?$top=1&n=${n}`);
    const isBackfill = (r: { path: string }) => r.path.includes('/vat/VATCodes');
    let stop = false;
    const backfill = (async () => {
      const statuses: number[] = [];
      while (!stop) statuses.push(await s.call('backfill', 'vat/VATCodes'));
      return statuses;
    })();

    // The backfill takes 50 of the 60 calls of 09:00 and then waits for the next minute.
    await until('the backfill used its share of 09:00', async () => (await s.log()).length >= 50);
    await new Promise((r) => setTimeout(r, 200));
    expect((await s.log()).filter(isBackfill)).toHaveLength(50);

    // Live calls still go at once, without the clock moving: the reserve is theirs.
    for (let i = 0; i < 10; i++) expect(await withoutClock(`live call ${i}`, live(i))).toBe(200);

    // The minute is spent; a live call now waits with the backfill, and goes first at 09:01.
    const waiting = live(10);
    await new Promise((r) => setTimeout(r, 100));
    sandbox.clock.advance(31_000);
    expect(await waiting).toBe(200);
    await until('the backfill used its share of 09:01', async () => (await s.log()).length >= 110);
    const nextMinute = (await s.log()).filter((r) => r.at.startsWith('2026-03-10T09:01'));
    expect(isBackfill(nextMinute[0]!)).toBe(false);
    // The live call counts against the 50 backfill may use: it leaves 10 for live work as before.
    expect(nextMinute.filter(isBackfill)).toHaveLength(49);

    // Two more minutes of backfill, then stop it.
    sandbox.clock.advance(60_000);
    await until('the backfill used its share of 09:02', async () => (await s.log()).length >= 160);
    stop = true;
    sandbox.clock.advance(60_000);
    const statuses = await backfill;

    const calls = await s.log();
    expect(calls.some((c) => c.status === 429)).toBe(false);
    expect(statuses.every((st) => st === 200)).toBe(true);
    const perMinute = new Map<string, number>();
    for (const c of calls) perMinute.set(c.at.slice(0, 16), (perMinute.get(c.at.slice(0, 16)) ?? 0) + 1);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(60);

    // What the governors learnt is in the database for other processes and `koppel budget`.
    const rows = await listApiBudgets(h.store.db);
    expect(rows.map((r) => [r.app, r.client_id, r.division])).toEqual([
      ['exact-online', defaultExactClientId, String(division)],
    ]);
    const state = JSON.parse(rows[0]!.state) as {
      day: { remaining: number; limit: number };
      inFlight: number;
    };
    expect(state.day.limit).toBe(5000);
    expect(state.day.remaining).toBe(5000 - calls.length);
    expect(state.inFlight).toBe(0);
  });

  it('stops a backfill at the share of the day kept for live work, and lets live calls use it', async () => {
    const s = await setUp();
    await fetch(`${sandbox.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ dailyLimit: 40 }),
    });
    let refused: unknown;
    let sent = 0;
    while (!refused && sent < 100) {
      try {
        await s.call('backfill', 'vat/VATCodes');
        sent++;
      } catch (e) {
        refused = e;
      }
    }
    // 20% of 40 stays for live work.
    expect(sent).toBe(32);
    expect(refused).toMatchObject({ code: 'exact.daily_reserve', kind: 'rate_limited' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(
      Date.parse('2026-03-11T00:00:00.000Z') - sandbox.clock.now().getTime(),
    );
    for (let i = 0; i < 8; i++) expect(await s.call('live', 'vat/VATCodes')).toBe(200);
    await expect(s.call('live', 'vat/VATCodes')).rejects.toMatchObject({ code: 'exact.daily_limit' });
    expect((await s.log()).some((r) => r.status === 429)).toBe(false);
  });

  it('takes the reserve from the installation setting apiBudgetReserve', async () => {
    h = await createEngineHarness(dialect);
    await h.setInstallationSetting('apiBudgetReserve', { dayShare: 0.5 });
    const settings = await readInstallationSettings(h.store.db, h.deps.defaults);
    expect(settings.apiBudgetReserve).toEqual({ dayShare: 0.5, minuteCalls: 10 });
    await h.close();
    const s = await setUp(settings.apiBudgetReserve);
    await fetch(`${sandbox.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ dailyLimit: 40 }),
    });
    let sent = 0;
    await expect(
      (async () => {
        for (;;) {
          await s.call('backfill', 'vat/VATCodes');
          sent++;
        }
      })(),
    ).rejects.toMatchObject({ code: 'exact.daily_reserve' });
    expect(sent).toBe(20);
  });

  it('runs a flow from an empty cursor as a backfill, and later runs at the priority of their kind', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    const priorities = async () => {
      await new Promise((r) => setTimeout(r, 50));
      return h.logLines
        .map((l) => JSON.parse(l) as { msg?: string; priority?: string })
        .filter((l) => l.msg === 'run finished')
        .map((l) => l.priority);
    };
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'schedule' });
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'schedule' });
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'webhook' });
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'webhook', backfill: true });
    expect(await priorities()).toEqual(['backfill', 'normal', 'live', 'backfill']);
  });
});
