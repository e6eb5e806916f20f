import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../store/repos/cursors.js';
import { testDialects } from '../../testing/databases.js';
import { addOrders, ids } from '../../testing/orders-test-fixture.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';

const syncPath = '/sync/SalesInvoice/SalesInvoices';

describe.each(testDialects)('orders flow, Exact reads failing on the gateway (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  /** A pair whose first run is done, with new orders waiting and the request log cleared. */
  async function pairWithNewOrders(): Promise<Pair> {
    const p = await startPair(dialect);
    expect((await p.run()).state).toBe('succeeded');
    await addOrders(p);
    await fetch(`${p.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    return p;
  }

  const fault = (p: Pair, times: number) =>
    fetch(`${p.fx.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: syncPath, method: 'GET', status: 503, times }),
    });

  const syncCalls = async (p: Pair) =>
    (await p.fx.requests()).filter((r) => r.path.toLowerCase().includes(syncPath.toLowerCase()));

  const sentOrders = async (p: Pair) =>
    (await p.invoices()).filter((i) =>
      Object.values(ids).some((id) => String(i.description).includes(`[koppel:${id}]`)),
    );

  it('tries a read again after one 503 and ends the run in one go with every order', async () => {
    pair = await pairWithNewOrders();
    await fault(pair, 1);
    const run = await pair.run();
    expect(run.state, run.error?.message).toBe('succeeded');
    expect(run.counts.read).toBe(6);
    expect(run.counts.created + run.counts.deadLettered).toBe(6);
    expect((await syncCalls(pair)).map((r) => r.status)).toEqual([503, 200]);
    const refs = (await sentOrders(pair)).map((i) => /\[koppel:([^\]]+)\]/.exec(i.description)?.[1]);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.length).toBe(run.counts.created);
  });

  it('ends the run naming the endpoint and status after a bounded number of tries, cursor unmoved', async () => {
    pair = await pairWithNewOrders();
    const before = await readCursor(pair.fx.h.store.db, 'orders');
    await fault(pair, 1_000);
    const run = await pair.run();
    expect(run.state).toBe('failed');
    expect(run.error?.message).toContain(`GET /api/v1/{division}${syncPath} answered 503 after 3 attempts`);
    expect(run.error?.code).toBe('exact.unavailable');
    expect((await syncCalls(pair)).map((r) => r.status)).toEqual([503, 503, 503]);
    expect(await readCursor(pair.fx.h.store.db, 'orders')).toEqual(before);
    expect(await sentOrders(pair)).toHaveLength(0);
  });

  it('stops retrying before the endpoint nears the hourly error block, run after run', async () => {
    pair = await pairWithNewOrders();
    await fault(pair, 1_000);
    for (let n = 0; n < 5; n++) expect((await pair.run()).state).toBe('failed');
    // Each run tries once; the retries count as errors of the endpoint, at most 7 (the governor's
    // allowance of 8 less the retried call itself) in the hour, whatever the runs ask.
    const calls = await syncCalls(pair);
    expect(calls.every((r) => r.status === 503)).toBe(true);
    expect(calls.length - 5).toBe(7);
  });
});
