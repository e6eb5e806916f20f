import { afterEach, describe, expect, it } from 'vitest';
import { StoreQueue } from '../queue/index.js';
import { defaultExactWebhookSecret } from '../sandboxes/exact-online/credentials.js';
import { testDialects } from '../testing/databases.js';
import { sampleDelivery, signedExactDelivery } from '../testing/exact-webhook-sample.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';
import { insertYieldedBackfillRun } from '../testing/yielded-backfill.js';
import type { EngineDeps } from './deps.js';
import { saveCursor } from '../store/repos/cursors.js';
import { purgeActivity } from './purge.js';
import { receiveWebhook } from './receive-webhook.js';

const minute = 60_000;
const hour = 60 * minute;

describe.each(testDialects)('receiving an Exact webhook delivery (%s)', (dialect) => {
  let pair: Pair | undefined;
  let second: EngineDeps | undefined;
  afterEach(async () => {
    await second?.store.close();
    second = undefined;
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

  async function setUp() {
    pair = await startPair(dialect);
    await setDivision(pair, sampleDelivery.division);
    const { deps, store } = pair.fx.h;
    const queue = new StoreQueue(store, deps.clock);
    const receive = (rawBody: string, on: EngineDeps = deps) =>
      receiveWebhook(on, queue, { segment: 'exact', connectionId: 'exact', rawBody });
    /** A new delivery of an event `ago` ms before Koppel's now. */
    const delivery = (ago = minute, options: { format?: 'iso' | 'msdate' } = {}) =>
      signedExactDelivery({ at: new Date(deps.clock.now().getTime() - ago), ...options });
    const jobs = () => store.db.selectFrom('jobs').select(['name', 'payload']).execute();
    const receipts = () => store.db.selectFrom('webhook_receipts').selectAll().execute();
    return { p: pair, deps, store, receive, delivery, jobs, receipts };
  }

  it('queues one run for a burst of deliveries: the ones after the first join the waiting run', async () => {
    const { p, store, receive, delivery, jobs } = await setUp();
    const first = await receive(delivery(3 * minute));
    expect(first).toMatchObject({
      kind: 'enqueued',
      topic: 'SalesInvoices',
      flows: [{ flowId: 'orders', deduped: false }],
    });
    expect(await receive(delivery(2 * minute))).toMatchObject({
      flows: [{ flowId: 'orders', deduped: true }],
    });
    // The flow never read: the document goes in a run of its own, and the backfill is asked for.
    expect(await jobs()).toEqual([
      { name: 'flow.records', payload: JSON.stringify({ flowId: 'orders' }) },
      { name: 'flow.run', payload: JSON.stringify({ flowId: 'orders', trigger: 'webhook' }) },
    ]);

    // A flow that reads sales orders does not start on SalesInvoices; a disabled flow starts on nothing.
    await store.db.deleteFrom('jobs').execute();
    await p.setSettings({ source: 'salesOrders' });
    expect(await receive(delivery(90_000))).toMatchObject({ kind: 'enqueued', flows: [] });
    await p.setSettings({});
    await store.db.updateTable('flows').set({ enabled: 0 }).execute();
    expect(await receive(delivery(80_000))).toMatchObject({ kind: 'enqueued', flows: [] });
    expect(await jobs()).toEqual([]);
  });

  it('names the document while a backfill of the flow goes on: one records job for a burst, every key kept', async () => {
    const { store, receive, deps, jobs } = await setUp();
    // A backfill that gave its worker up half way: its continuation reads the rest of the history.
    const at = deps.clock.now().toISOString();
    await saveCursor(store.db, 'orders', '1000', at);
    await insertYieldedBackfillRun(store.db, { pairId: 'p1', flowId: 'orders', at: deps.clock.now() });
    const keys = ['0e000000-0000-4000-8000-000000000001', '0e000000-0000-4000-8000-000000000002'];
    const at1 = new Date(deps.clock.now().getTime() - minute);
    expect(await receive(signedExactDelivery({ at: at1, key: keys[0]! }))).toMatchObject({
      flows: [{ flowId: 'orders', deduped: false, named: true }],
    });
    expect(await receive(signedExactDelivery({ at: at1, key: keys[1]! }))).toMatchObject({
      flows: [{ flowId: 'orders', deduped: true, named: true }],
    });
    // The same document changed again: still one key, with the later time.
    expect(
      await receive(signedExactDelivery({ at: new Date(at1.getTime() + 1_000), key: keys[0]! })),
    ).toMatchObject({ flows: [{ deduped: true, named: true }] });
    expect(await jobs()).toEqual([{ name: 'flow.records', payload: JSON.stringify({ flowId: 'orders' }) }]);
    const kept = await store.db.selectFrom('webhook_keys').select(['flow_id', 'source_id']).execute();
    expect(kept.map((k) => k.source_id).sort()).toEqual(keys);

    // Once the backfill has read to the end, a delivery asks for a run from the cursor again.
    await store.db.updateTable('runs').set({ state: 'succeeded' }).execute();
    expect(await receive(signedExactDelivery({ at: new Date(at1.getTime() + 2_000) }))).toMatchObject({
      flows: [{ flowId: 'orders', deduped: false }],
    });
    expect((await jobs()).map((j) => j.name).sort()).toEqual(['flow.records', 'flow.run']);
  });

  it('acknowledges the same delivery again as a repeat that starts nothing, whenever it comes', async () => {
    const { store, receive, delivery, jobs, receipts } = await setUp();
    const body = delivery();
    expect(await receive(body)).toMatchObject({ kind: 'enqueued', flows: [{ deduped: false }] });
    // The run has been taken (it is no longer waiting): a repeat must still not start another.
    await store.db.deleteFrom('jobs').execute();
    expect(await receive(body)).toEqual({ kind: 'duplicate', duplicate: true });
    expect(await jobs()).toEqual([]);
    expect(await receipts()).toHaveLength(1);
    expect(pair!.fx.h.logLines.some((l) => l.includes('repeated webhook delivery on connection exact'))).toBe(
      true,
    );
  });

  it('lets exactly one of two processes handle a delivery both receive at once', async () => {
    const { p, receive, delivery, jobs } = await setUp();
    second = { ...p.fx.h.deps, store: p.fx.h.tdb.open() };
    const body = delivery();
    const outcomes = await Promise.all([receive(body), receive(body, second), receive(body)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'duplicate', 'enqueued']);
    // One delivery's jobs: its document's run and, the flow never having read, the first run.
    expect((await jobs()).map((j) => j.name).sort()).toEqual(['flow.records', 'flow.run']);
  });

  it('refuses a correctly signed delivery of an event older than the window, or too far ahead, and logs it without body or secret', async () => {
    const { receive, delivery, jobs, receipts } = await setUp();
    // The captured delivery of reference 6.3 (2020), signed with the connection's secret.
    const old = signedExactDelivery({ at: new Date('2020-01-06T15:26:08.587Z') });
    await expect(receive(old)).rejects.toMatchObject({ code: 'webhook.stale', kind: 'invalid' });
    await expect(receive(old)).rejects.toMatchObject({ code: 'webhook.stale' });
    await expect(receive(delivery(48 * hour + minute))).rejects.toMatchObject({ code: 'webhook.stale' });
    await expect(receive(delivery(-2 * hour))).rejects.toMatchObject({ code: 'webhook.from_future' });
    expect(await jobs()).toEqual([]);
    expect(await receipts()).toEqual([]);
    const logged = pair!.fx.h.logLines.filter((l) =>
      l.includes('refused a webhook delivery on connection exact'),
    );
    expect(logged).toHaveLength(4);
    expect(logged[0]).toContain('webhook.stale');
    expect(logged[0]).toContain('2020-01-06T15:26:08.587Z');
    for (const line of logged) {
      expect(line).not.toContain(defaultExactWebhookSecret);
      expect(line).not.toContain(JSON.parse(old).HashCode);
      expect(line).not.toContain('"Content"');
    }
    // Within the window, and a little ahead of our clock (Exact's may run ahead), is fine.
    expect(await receive(delivery(47 * hour))).toMatchObject({ kind: 'enqueued' });
    expect(await receive(delivery(-30 * minute))).toMatchObject({ kind: 'enqueued' });
  });

  it('reads EventCreatedOn as /Date(ms)/ too, as Amsterdam wall-clock time', async () => {
    const { deps, receive, delivery } = await setUp();
    const at = new Date(deps.clock.now().getTime() - minute).toISOString();
    expect(await receive(delivery(minute, { format: 'msdate' }))).toMatchObject({ kind: 'enqueued' });
    // The instant the event happened, not the wall-clock digits read as UTC.
    expect(pair!.fx.h.logLines.some((l) => l.includes(`"eventAt":"${at}"`))).toBe(true);
    await expect(receive(delivery(49 * hour, { format: 'msdate' }))).rejects.toMatchObject({
      code: 'webhook.stale',
    });
  });

  it('forgets receipts in the retention purge once a repeat would be refused by its age', async () => {
    const { p, receive, delivery, receipts } = await setUp();
    const body = delivery();
    await receive(body);
    p.fx.clock.advance(48 * hour);
    await receive(delivery());
    expect(await receipts()).toHaveLength(2);
    // Past 48 hours and the hour an event may seem ahead, the first receipt goes; the second stays.
    p.fx.clock.advance(hour + minute);
    expect((await purgeActivity(p.fx.h.deps)).webhookReceiptsDeleted).toBe(1);
    expect(await receipts()).toHaveLength(1);
    await expect(receive(body)).rejects.toMatchObject({ code: 'webhook.stale' });
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
