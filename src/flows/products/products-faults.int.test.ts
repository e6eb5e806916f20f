import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../engine/replay.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

// The products flow rides out 5xx and 429s in both APIs and ends with every sales item in
// Asperion once, at its price.

async function exactControl(pair: Pair, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${pair.fx.url}/__sandbox/${route}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

describe.each(testDialects)('products flow through faults in both APIs (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'products' });
  }, 30_000);
  afterAll(() => pair?.close());

  it('creates every sales item once, at its price, through 503s and 429s', async () => {
    const items = (await pair.exact('bulk/Logistics/Items', { $select: 'ID,Code,IsSalesItem' })).filter(
      (i) => i.IsSalesItem,
    );
    const prices = new Map(
      (
        await pair.exact('bulk/Logistics/SalesItemPrices', {
          $select: 'Item,Account,Currency,Price,Quantity',
        })
      )
        .filter((r) => r.Account === null && r.Currency === 'EUR' && r.Quantity === 0)
        .map((r) => [r.Item, r.Price]),
    );
    const seeded = new Set((await pair.list('articles?ActiveState=All')).map((a) => a.code));
    await exactControl(pair, 'DELETE', 'requests');
    await pair.asperion.call('DELETE', '/__sandbox/requests');
    // Exact: one call in ten refused with 503, and the reads a run starts with refused twice with 429.
    await exactControl(pair, 'PUT', 'settings', {
      randomFaults: { errorRate: 0.1, errorStatus: 503, seed: 11 },
      errorsPerHour: 0,
      minutelyLimit: 10_000,
    });
    for (const path of ['/sync/Logistics/Items', '/bulk/Logistics/SalesItemPrices'])
      await exactControl(pair, 'POST', 'faults', { path, status: 429, times: 2, method: 'GET' });
    // Asperion: one call in ten refused with 503.
    await pair.asperion.call('PUT', '/__sandbox/settings', {
      body: { faults: { errorRate: 0.1, errorStatus: 503, seed: 5 } },
    });
    const deps = pair.fx.h.deps;
    deps.retry = { ...deps.retry, maxAttempts: 2 };
    let rounds = 0;
    let replays = 0;
    try {
      // As a user would: run, replay what ran out of attempts, until nothing is left over.
      for (; rounds < 10; rounds++) {
        const run = await pair.run();
        const open = await deps.store.db
          .selectFrom('dead_letters')
          .select('id')
          .where('state', '=', 'open')
          .execute();
        if (open.length > 0) {
          replays++;
          await replayDeadLetters(deps, { filter: { ids: open.map((r) => r.id) }, mode: 'current' });
        }
        const links = await deps.store.db
          .selectFrom('links')
          .select('source_id')
          .where('flow_id', '=', 'products')
          .execute();
        if (run.state === 'succeeded' && open.length === 0 && links.length === items.length) break;
      }
    } finally {
      await pair.asperion.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 0 } } });
      await exactControl(pair, 'PUT', 'settings', { randomFaults: { errorRate: 0 } });
    }
    expect(rounds).toBeLessThan(10);

    const articles = (await pair.list('articles?ActiveState=All')).filter((a) => !seeded.has(a.code));
    const perCode = new Map<string, number>();
    for (const a of articles) perCode.set(a.code, (perCode.get(a.code) ?? 0) + 1);
    expect([...perCode].filter(([, n]) => n > 1)).toEqual([]);
    expect(articles).toHaveLength(items.length);
    const byCode = new Map(articles.map((a) => [a.code, a]));
    const wrong = items.filter((i) => byCode.get(i.Code)?.salesPrice !== prices.get(i.ID));
    expect(wrong.map((i) => i.Code)).toEqual([]);
    const pending = await deps.store.db
      .selectFrom('write_ahead')
      .select('id')
      .where('state', '=', 'pending')
      .execute();
    expect(pending).toEqual([]);
    // The faults did happen, on both sides.
    const asperionLog = (await pair.asperion.call('GET', '/__sandbox/requests')).body.requests as any[];
    expect(asperionLog.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    const exactLog = (await exactControl(pair, 'GET', 'requests')) as any[];
    expect(exactLog.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(exactLog.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    // Some items ran out of their two attempts, became dead letters and went on replay.
    expect(replays).toBeGreaterThan(0);
  }, 60_000);
});
