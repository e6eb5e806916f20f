import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.js';
import { addOrders } from '../testing/orders-test-fixture.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';

describe.each(testDialects)('a run whose tokens the providers refuse (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  const connection = (p: Pair, id: string) =>
    p.fx.h.store.db
      .selectFrom('connections')
      .select(['status', 'paused_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const pausedEvents = (p: Pair) =>
    p.fx.h.store.db.selectFrom('events').select('type').where('type', '=', 'connection.paused').execute();
  const exactTokenAnswers = async (p: Pair) =>
    (await p.fx.requests()).filter((r) => r.path === '/api/oauth2/token').map((r) => r.status);

  it('moves the orders after both tokens were revoked, waiting out Exact’s "too early", and pauses nothing', async () => {
    pair = await startPair(dialect);
    expect((await pair.run()).state).toBe('succeeded');
    await addOrders(pair);
    await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    // Revoked by both providers moments after issue: Exact refuses a refresh for 570 s (reference 2.2).
    await fetch(`${pair.fx.url}/__sandbox/tokens/revoke`, { method: 'POST', body: '{}' });
    await pair.asperion.call('POST', '/__sandbox/tokens/revoke', { body: {}, auth: false });

    const run = await pair.run();
    expect(run.state, run.error?.message).toBe('succeeded');
    expect(run.counts.read).toBe(6);
    expect(run.counts.created).toBeGreaterThan(0);
    expect(await exactTokenAnswers(pair)).toEqual([400, 200]);
    const asperionLog = (await pair.asperion.call('GET', '/__sandbox/requests', { auth: false })).body
      .requests as Array<{ url: string; status: number }>;
    expect(asperionLog.filter((r) => r.url.startsWith('/connect/token')).map((r) => r.status)).toEqual([200]);
    expect(await connection(pair, 'exact')).toEqual({ status: 'active', paused_reason: null });
    expect(await connection(pair, 'asperion')).toEqual({ status: 'active', paused_reason: null });
    expect(await pausedEvents(pair)).toEqual([]);
  });

  it('pauses the Exact connection when Exact refuses the refreshed token too', async () => {
    pair = await startPair(dialect);
    await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ earliestRefreshAgeSeconds: 0 }),
    });
    await fetch(`${pair.fx.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/sync/SalesInvoice/SalesInvoices', status: 401, times: 2 }),
    });
    const run = await pair.run();
    expect(run.state).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth', code: 'exact.unauthorized' });
    expect(await exactTokenAnswers(pair)).toEqual([200]);
    expect((await connection(pair, 'exact')).status).toBe('paused');
    expect(await pausedEvents(pair)).toHaveLength(1);
  });
});
