import { afterEach, describe, expect, it } from 'vitest';
import { StoreQueue } from '../queue/index.js';
import { testDialects } from '../testing/databases.js';
import { sampleDelivery } from '../testing/exact-webhook-sample.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';
import { receiveWebhook } from './receive-webhook.js';

describe.each(testDialects)('receiving an Exact webhook delivery (%s)', (dialect) => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.asperion.close();
    await pair?.fx.close();
    pair = undefined;
  });

  const setDivision = (p: Pair, division: number) =>
    p.fx.h.store.db
      .updateTable('connections')
      .set({ settings: JSON.stringify({ baseUrl: p.fx.url, clientId: p.fx.app.clientId, division }) })
      .where('id', '=', 'exact')
      .execute();

  it('queues one run of the flow for a burst: the deliveries after the first join the waiting run', async () => {
    pair = await startPair(dialect);
    await setDivision(pair, sampleDelivery.division);
    const { deps, store } = pair.fx.h;
    const queue = new StoreQueue(store, deps.clock);
    const receive = () =>
      receiveWebhook(deps, queue, { segment: 'exact', connectionId: 'exact', rawBody: sampleDelivery.body });
    const first = await receive();
    expect(first).toMatchObject({
      kind: 'enqueued',
      topic: 'SalesInvoices',
      flows: [{ flowId: 'orders', deduped: false }],
    });
    const again = await receive();
    expect(again).toMatchObject({ flows: [{ flowId: 'orders', deduped: true }] });
    const jobs = await store.db.selectFrom('jobs').select(['name', 'payload']).execute();
    expect(jobs).toEqual([
      { name: 'flow.run', payload: JSON.stringify({ flowId: 'orders', trigger: 'webhook' }) },
    ]);

    // A flow that reads sales orders does not start on SalesInvoices; a disabled flow starts on nothing.
    await store.db.deleteFrom('jobs').execute();
    await pair.setSettings({ source: 'salesOrders' });
    expect(await receive()).toMatchObject({ kind: 'enqueued', flows: [] });
    await pair.setSettings({});
    await store.db.updateTable('flows').set({ enabled: 0 }).execute();
    expect(await receive()).toMatchObject({ kind: 'enqueued', flows: [] });
    expect(await store.db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });

  it('ignores a verified delivery for another division than the connection works in', async () => {
    pair = await startPair(dialect);
    await setDivision(pair, 441609);
    const { deps, store } = pair.fx.h;
    const outcome = await receiveWebhook(deps, new StoreQueue(store, deps.clock), {
      segment: 'exact',
      connectionId: 'exact',
      rawBody: sampleDelivery.body,
    });
    expect(outcome).toEqual({
      kind: 'ignored',
      reason: 'the delivery is for division 3215711, the connection works in 441609',
    });
    expect(await store.db.selectFrom('jobs').select('id').execute()).toEqual([]);
    expect(pair.fx.h.logLines.some((l) => l.includes('ignored a webhook delivery on connection exact'))).toBe(
      true,
    );
  });
});
