import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveWebhook } from '../../engine/receive-webhook.js';
import { replayDeadLetters } from '../../engine/replay.js';
import { StoreQueue } from '../../queue/index.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import {
  article,
  asperionWrites,
  reasons,
  setAsperionStock,
  stockCount,
  stockItems,
} from '../../testing/stock-helpers.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/** Webhook deliveries as the Exact sandbox sends them, caught on a local callback. */
async function callbackCatcher(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (body !== '') bodies.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/webhooks/exact/exact`, bodies, server };
}

describe.each(testDialects)('stock flow, write mode, webhooks and bad data (%s)', (dialect) => {
  let pair: Pair;
  let items: Array<{ ID: string; Code: string }>;
  let main: any;
  let catcher: Awaited<ReturnType<typeof callbackCatcher>>;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'stock' });
    catcher = await callbackCatcher();
    // The sandbox clock stands still, so a test's own calls would meet Exact's 60 a minute.
    const limits = await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ minutelyLimit: 100_000 }),
    });
    expect(limits.ok).toBe(true);
    main = (await pair.exact('inventory/Warehouses', { $select: 'ID,Code,Main' })).find((w) => w.Main);
    items = await stockItems(pair, 2);
    for (const item of items) await article(pair, item.Code, 1);
    // The first run is the full load; the tests below start from its cursor.
    expect((await pair.run()).state).toBe('succeeded');
    await pair.asperion.call('DELETE', '/__sandbox/requests');
  }, 30_000);
  afterAll(async () => {
    catcher?.server.close();
    await pair?.close();
  });

  const articleStock = async (code: string) =>
    ((await pair.list(`articles?Code=${code}&Code_comparison=Equals`)) as any[])[0].currentStock;
  const exactStock = async (itemId: string) =>
    (
      await pair.exact('inventory/ItemWarehouses', {
        $select: 'CurrentStock',
        $filter: `Item eq guid'${itemId}'`,
      })
    ).reduce((s, r) => s + Number(r.CurrentStock), 0);

  it('starts on the StockPositions webhook; a burst for one item is one run and one write, a re-run none', async () => {
    await pair.setSettings({ mode: 'write' });
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'accept' } });
    await pair.writeExact('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: catcher.url,
      Topic: 'StockPositions',
    });
    const [item] = items;
    for (const difference of [2, 3, -1]) await stockCount(pair, main.ID, item!.ID, difference);
    await fetch(`${pair.fx.url}/__sandbox/webhooks/deliver`, { method: 'POST' });

    expect(catcher.bodies.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(catcher.bodies[0]!).Content.Topic).toBe('StockPositions');

    const { deps, store } = pair.fx.h;
    const queue = new StoreQueue(store, deps.clock);
    const outcomes = [];
    for (const rawBody of catcher.bodies)
      outcomes.push(await receiveWebhook(deps, queue, { segment: 'exact', connectionId: 'exact', rawBody }));
    expect(outcomes[0]).toMatchObject({ kind: 'enqueued', flows: [{ flowId: 'stock', deduped: false }] });
    // Later deliveries join the waiting run; one whose body repeats an earlier one (the sandbox's
    // clock stands still, so two changes of one item can give the same delivery) starts nothing.
    for (const [i, o] of outcomes.entries())
      if (i > 0)
        expect(
          (o as any).flows?.[0]?.deduped === true ||
            ((o as any).kind === 'duplicate' && catcher.bodies.indexOf(catcher.bodies[i]!) < i),
        ).toBe(true);
    const jobs = await store.db.selectFrom('jobs').select(['name', 'payload']).execute();
    expect(jobs).toEqual([
      { name: 'flow.run', payload: JSON.stringify({ flowId: 'stock', trigger: 'webhook' }) },
    ]);

    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
    expect(await asperionWrites(pair)).toEqual([
      `PUT /v1/articles/${(await pair.list(`articles?Code=${item!.Code}&Code_comparison=Equals`))[0].id}`,
    ]);
    expect(await articleStock(item!.Code)).toBe(await exactStock(item!.ID));

    await pair.asperion.call('DELETE', '/__sandbox/requests');
    const again = await pair.run();
    expect(again.counts).toMatchObject({ read: 0, created: 0, updated: 0 });
    expect(await asperionWrites(pair)).toEqual([]);
  });

  it("writes again when Asperion's stock moved on its side, even for the figure Exact had before", async () => {
    const [item] = items;
    const stock = await exactStock(item!.ID);
    await setAsperionStock(pair, item!.Code, stock - 5);
    await stockCount(pair, main.ID, item!.ID, 1);
    await stockCount(pair, main.ID, item!.ID, -1);
    const run = await pair.run();
    expect(run.counts).toMatchObject({ read: 1, updated: 1 });
    expect(await articleStock(item!.Code)).toBe(stock);
  });

  it('an Asperion that refuses or ignores stock writes gives a per-article error, dead-lettered and replayable', async () => {
    const [, second] = items;
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'ignore' } });
    await stockCount(pair, main.ID, second!.ID, 4);
    const ignored = await pair.run();
    expect(ignored.state).toBe('partial');
    expect(await pair.deadLetters()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${second!.ID}: Asperion kept the stock of article ${second!.Code} at 1 instead of .*does not accept stock writes`,
        ),
      ),
    ]);
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'reject' } });
    await stockCount(pair, main.ID, second!.ID, 1);
    const refused = await pair.run();
    const why = await reasons(pair, refused.runId);
    expect(why.get(second!.ID)).toMatch(/^dead_lettered: .*CurrentStock/);

    // Once Asperion takes the stock, the replay (as Exact and Asperion have it now) writes it once.
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'accept' } });
    const replay = await replayDeadLetters(pair.fx.h.deps, { filter: { flowId: 'stock' }, mode: 'current' });
    expect(replay.matched).toBe(2);
    expect(replay.runs.map((r) => r.counts)).toEqual([expect.objectContaining({ created: 1, failed: 0 })]);
    expect(await articleStock(second!.Code)).toBe(await exactStock(second!.ID));
    const open = await pair.fx.h.store.db
      .selectFrom('dead_letters')
      .select('id')
      .where('state', '=', 'open')
      .execute();
    expect(open).toEqual([]);
    await pair.setSettings({});
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { currentStockOnCreate: 'reject' } });
  });

  it('bad source data (two Exact items whose codes differ only in case) fails those items; the rest goes through', async () => {
    const [item] = items;
    const code = `Stock-Case-${dialect}`;
    const group = (await pair.exact('logistics/ItemGroups', { $select: 'ID', $top: '1' }))[0]?.ID;
    const created: string[] = [];
    for (const variant of [code, code.toUpperCase()]) {
      await pair.addExact({
        'logistics/Items': [
          { Code: variant, Description: variant, IsStockItem: true, ...(group ? { ItemGroup: group } : {}) },
        ],
      });
      // Exact's filter ignores case, so both items answer; the one with this very code is wanted.
      const rows = await pair.exact('logistics/Items', {
        $select: 'ID,Code',
        $filter: `Code eq '${variant}'`,
      });
      const row = rows.find((r) => String(r.Code).trim() === variant);
      created.push(row.ID);
      await stockCount(pair, main.ID, row.ID, 5);
    }
    await stockCount(pair, main.ID, item!.ID, 2);
    const run = await pair.run();
    expect(run.state).toBe('partial');
    const why = await reasons(pair, run.runId);
    for (const id of created)
      expect(why.get(id)).toMatch(
        /^dead_lettered: Exact stock of item .* differ only in case; Asperion's article codes ignore case/,
      );
    expect(why.get(item!.ID)).toMatch(/^\S+: Exact \d+, Asperion \d+, difference \+2 /);
  });

  it('rides out Exact answering 503 to the sync read and to the warehouse rows once each', async () => {
    const [item] = items;
    for (const path of ['sync/Inventory/StockPositions', 'inventory/ItemWarehouses'])
      await fetch(`${pair.fx.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path, method: 'GET', status: 503, times: 1 }),
      });
    await stockCount(pair, main.ID, item!.ID, 1);
    await fetch(`${pair.fx.url}/__sandbox/requests`, { method: 'DELETE' });
    const run = await pair.run();
    expect(run.state).toBe('succeeded');
    const statuses = (await pair.fx.requests()).map((r) => r.status);
    expect(statuses.filter((st) => st === 503)).toHaveLength(2);
    expect((await reasons(pair, run.runId)).get(item!.ID)).toMatch(/difference \+3 /);
  });

  it('rides out Asperion answering 503 to a share of its calls', async () => {
    const [item] = items;
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 0.5, seed: 7 } } });
    await stockCount(pair, main.ID, item!.ID, 1);
    await pair.asperion.call('DELETE', '/__sandbox/requests');
    const run = await pair.run();
    await pair.asperion.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 0 } } });
    const { requests } = (await pair.asperion.call('GET', '/__sandbox/requests')).body;
    expect((requests as any[]).map((r) => r.status)).toContain(503);
    expect(run.state).toBe('succeeded');
    expect((await reasons(pair, run.runId)).get(item!.ID)).toMatch(/difference \+4 /);
  });
});
