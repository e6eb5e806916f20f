import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';
import { unreachableUrl, WebhookReceiver } from '../testing/webhook-receiver.js';
import { engineSchedules, webhookSubscriptionsJob } from './job-handlers.js';
import { ensureWebhookSubscriptions } from './webhook-subscriptions.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

describe.each(testDialects)('webhook subscriptions of Exact connections (%s)', (dialect) => {
  let pair: Pair | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
    await pair?.close();
    pair = receiver = undefined;
  });

  const subscriptions = async (p: Pair) =>
    (await (await fetch(`${p.fx.url}/__sandbox/webhooks/subscriptions`)).json()) as any[];

  it('subscribes each connection to the topics its flows name, under the public URL, once', async () => {
    pair = await startPair(dialect);
    receiver = await new WebhookReceiver().start();
    const publicUrl = new URL(receiver.url).origin;
    const deps = pair.fx.h.deps;
    expect(await ensureWebhookSubscriptions(deps, publicUrl)).toEqual({
      ensured: [{ connection: 'exact', topic: 'SalesInvoices' }],
      removed: [],
      failed: [],
    });
    expect(await subscriptions(pair)).toEqual([
      expect.objectContaining({ Topic: 'SalesInvoices', CallbackURL: `${publicUrl}/webhooks/exact/exact` }),
    ]);
    expect(receiver.calls.map((c) => [c.path, c.body])).toEqual([['/webhooks/exact/exact', '']]);
    await ensureWebhookSubscriptions(deps, publicUrl);
    expect(await subscriptions(pair)).toHaveLength(1);

    // The topic follows the flow's source setting, and the one no flow needs any more goes; a
    // subscription of the same app to another callback (another installation) is left alone.
    await pair.writeExact('POST', 'webhooks/WebhookSubscriptions', {
      Topic: 'Accounts',
      CallbackURL: `${publicUrl}/elsewhere`,
    });
    await pair.setSettings({ source: 'salesOrders' });
    expect(await ensureWebhookSubscriptions(deps, publicUrl)).toMatchObject({
      ensured: [{ connection: 'exact', topic: 'SalesOrders' }],
      removed: [{ connection: 'exact', topic: 'SalesInvoices' }],
    });
    expect((await subscriptions(pair)).map((s) => s.Topic).sort()).toEqual(['Accounts', 'SalesOrders']);

    // A disabled flow needs none: its subscription goes too.
    await pair.fx.h.store.db.updateTable('flows').set({ enabled: 0 }).where('id', '=', 'orders').execute();
    expect((await ensureWebhookSubscriptions(deps, publicUrl)).removed).toEqual([
      { connection: 'exact', topic: 'SalesOrders' },
    ]);
    expect((await subscriptions(pair)).map((s) => s.Topic)).toEqual(['Accounts']);
  });

  it('logs and raises a warning per connection and topic when Exact cannot reach the callback', async () => {
    pair = await startPair(dialect);
    const publicUrl = new URL(await unreachableUrl()).origin;
    const result = await ensureWebhookSubscriptions(pair.fx.h.deps, publicUrl);
    expect(result).toEqual({
      ensured: [],
      removed: [],
      failed: [{ connection: 'exact', topic: 'SalesInvoices', errorCode: 'exact.webhook_callback_refused' }],
    });
    expect(await subscriptions(pair)).toEqual([]);
    const events = await pair.fx.h.store.db.selectFrom('events').selectAll().execute();
    expect(events).toEqual([
      expect.objectContaining({
        type: 'webhook.subscription_failed',
        severity: 'warning',
        connection_id: 'exact',
      }),
    ]);
    expect(events[0]?.message).toContain(
      `Subscribing connection exact to webhook topic SalesInvoices at ${publicUrl}/webhooks/exact/exact failed`,
    );
    expect(pair.fx.h.logLines.some((l) => l.includes('exact.webhook_callback_refused'))).toBe(true);
  });

  it('does not subscribe a connection whose deliveries it could not verify (no webhook secret)', async () => {
    pair = await startPair(dialect);
    const { deps, store } = pair.fx.h;
    const row = await store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const { webhookSecret: _dropped, ...rest } = deps.box.decryptJson(row.credentials!);
    await store.db
      .updateTable('connections')
      .set({ credentials: deps.box.encryptJson(rest) })
      .where('id', '=', 'exact')
      .execute();
    const result = await ensureWebhookSubscriptions(deps, 'http://127.0.0.1:9');
    expect(result.failed).toEqual([
      { connection: 'exact', topic: 'SalesInvoices', errorCode: 'webhook.cannot_verify' },
    ]);
    expect(await subscriptions(pair)).toEqual([]);
    expect(pair.fx.h.logLines.some((l) => l.includes('the connection has no webhookSecret credential'))).toBe(
      true,
    );
  });

  it('schedules the daily subscription check only when there is a public URL', async () => {
    pair = await startPair(dialect);
    const deps = pair.fx.h.deps;
    expect((await engineSchedules(deps, '17 3 * * *', 20)).map((s) => s.name)).not.toContain(
      webhookSubscriptionsJob,
    );
    const withUrl = await engineSchedules(deps, '17 3 * * *', 20, 'https://koppel.example.nl');
    expect(withUrl.find((s) => s.name === webhookSubscriptionsJob)).toMatchObject({
      payload: { publicUrl: 'https://koppel.example.nl' },
    });
  });
});
