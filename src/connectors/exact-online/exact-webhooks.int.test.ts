import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { WebhookReceiver } from '../../testing/webhook-receiver.js';
import {
  defaultExactClientSecret,
  defaultExactWebhookSecret,
} from '../../sandboxes/exact-online/credentials.js';
import { ExactClient } from './exact-client.js';
import { ExactWebhookSubscriptions, readWebhookDelivery } from './exact-webhooks.js';

describe.each(testDialects)(
  'Exact Online webhooks through the client against the sandbox on %s',
  (dialect) => {
    let x: ExactFixture;
    let receiver: WebhookReceiver;
    afterEach(async () => {
      await x?.close();
      await receiver?.stop();
    });

    async function setUp(seed: 'demo' | 'empty' = 'empty') {
      x = await startExactFixture(dialect, { seed });
      receiver = await new WebhookReceiver().start();
      const client = new ExactClient(await x.context(), x.app, x.division);
      const control = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${x.url}/__sandbox/${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        });
        return res.json() as Promise<unknown>;
      };
      const subscriptionCalls = async () =>
        (await x.requests()).filter((r) => r.path.endsWith('/webhooks/WebhookSubscriptions')).length;
      return { client, hooks: new ExactWebhookSubscriptions(client), control, subscriptionCalls };
    }

    it('ensures a subscription once: a second ensure finds it and sends nothing new', async () => {
      const { hooks, subscriptionCalls } = await setUp();
      const first = await hooks.ensureSubscription('Accounts', receiver.url);
      expect(first).toMatchObject({ Topic: 'Accounts', CallbackURL: receiver.url, Division: x.division });
      expect(receiver.calls).toHaveLength(1); // the probe
      const before = await subscriptionCalls();
      expect(await hooks.ensureSubscription('Accounts', receiver.url)).toMatchObject({ ID: first?.ID });
      expect(await subscriptionCalls()).toBe(before + 1); // only the listing GET
      expect(receiver.calls).toHaveLength(1);
      expect((await hooks.list()).map((s) => s.ID)).toEqual([first?.ID]);
    });

    it('takes Exact’s duplicate refusal as success when two ensures race', async () => {
      const { hooks } = await setUp();
      const [a, b] = await Promise.all([
        hooks.ensureSubscription('Items', receiver.url),
        hooks.ensureSubscription('Items', receiver.url),
      ]);
      expect(a?.ID).toBeDefined();
      expect(b?.ID).toBe(a?.ID);
      expect(await hooks.list()).toHaveLength(1);
      // Both created; the sandbox refused the second as a duplicate.
      const refused = (await x.requests()).filter(
        (r) => r.path.endsWith('/webhooks/WebhookSubscriptions') && r.status === 500,
      );
      expect(refused).toHaveLength(1);
    });

    it('answers null when a duplicate is refused but not listed (made by someone else)', async () => {
      const { hooks, control } = await setUp();
      await control('POST', 'faults', {
        path: '/webhooks/WebhookSubscriptions',
        method: 'POST',
        status: 500,
        message: 'Data already exists',
      });
      expect(await hooks.ensureSubscription('Accounts', receiver.url)).toBeNull();
    });

    it('replaces a subscription with a delete and a create, also when ensure sees another URL', async () => {
      const { hooks } = await setUp();
      const first = await hooks.ensureSubscription('Accounts', receiver.url);
      const moved = await hooks.ensureSubscription('Accounts', `${receiver.url}/v2`);
      expect(moved?.ID).not.toBe(first?.ID);
      expect(await hooks.list()).toEqual([
        expect.objectContaining({ ID: moved?.ID, CallbackURL: `${receiver.url}/v2` }),
      ]);
      const replaced = await hooks.replaceSubscription('Accounts', receiver.url);
      expect(await hooks.list()).toEqual([
        expect.objectContaining({ ID: replaced?.ID, CallbackURL: receiver.url }),
      ]);
      expect(await hooks.deleteSubscription(String(replaced?.ID))).toBe(true);
      expect(await hooks.deleteSubscription(String(replaced?.ID))).toBe(false);
      expect(await hooks.list()).toEqual([]);
    });

    it('reports a callback Exact cannot reach as a typed error', async () => {
      const { hooks } = await setUp();
      receiver.status = () => 503;
      await expect(hooks.ensureSubscription('Accounts', receiver.url)).rejects.toMatchObject({
        code: 'exact.webhook_callback_refused',
        kind: 'invalid',
      });
    });

    it('reads and verifies a real delivery from the sandbox, and refuses a tampered one', async () => {
      const { client, hooks, control } = await setUp();
      await hooks.ensureSubscription('Accounts', receiver.url);
      const before = x.clock.now().toISOString();
      const account = await client.create<{ ID: string }>('crm/Accounts', { Name: 'De Spaak', Code: '12' });
      await control('POST', 'webhooks/deliver');
      const raw = receiver.deliveries[0]?.body ?? '';
      const delivery = readWebhookDelivery(raw, defaultExactWebhookSecret);
      expect(delivery).toMatchObject({
        topic: 'Accounts',
        clientId: x.app.clientId,
        division: x.division,
        action: 'Create',
        key: account.ID,
        endpoint: `${x.url}/api/v1/${x.division}/crm/Accounts(guid'${account.ID}')`,
      });
      expect(
        delivery.eventCreatedOn >= before && delivery.eventCreatedOn <= x.clock.now().toISOString(),
      ).toBe(true);

      expect(() =>
        readWebhookDelivery(raw.replace('"Create"', '"Delete"'), defaultExactWebhookSecret),
      ).toThrow(expect.objectContaining({ code: 'exact.webhook_signature', kind: 'auth' }));
      expect(() => readWebhookDelivery(raw, defaultExactClientSecret)).toThrow(
        expect.objectContaining({ code: 'exact.webhook_signature' }),
      );
      expect(() => readWebhookDelivery('{"Content":{}', defaultExactWebhookSecret)).toThrow(
        expect.objectContaining({ code: 'exact.webhook_malformed' }),
      );
    });

    it('reads EventCreatedOn as /Date(ms)/ to the same instant', async () => {
      const { client, hooks, control } = await setUp();
      await control('PUT', 'settings', { webhookEventCreatedOn: 'msdate', webhookCreateAction: 'Update' });
      await hooks.ensureSubscription('Accounts', receiver.url);
      await client.create('crm/Accounts', { Name: 'De Spaak', Code: '13' });
      await control('POST', 'webhooks/deliver');
      const raw = receiver.deliveries[0]?.body ?? '';
      expect(raw).toMatch(/"EventCreatedOn":"\/Date\(\d+\)\/"/);
      const attempts = (await control('GET', 'webhooks/deliveries')) as Array<{
        attempts: Array<{ at: string }>;
      }>;
      expect(readWebhookDelivery(raw, defaultExactWebhookSecret)).toMatchObject({
        action: 'Update',
        eventCreatedOn: attempts[0]?.attempts[0]?.at,
      });
    });
  },
);
