import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReceiver, unreachableUrl } from '../../../testing/webhook-receiver.js';
import { defaultExactClientId, defaultExactWebhookSecret } from '../credentials.js';
import type { TestSandbox } from '../test-sandbox.js';
import { startTestSandbox } from '../test-sandbox.js';

const subscriptions = '/api/v1/3215711/webhooks/WebhookSubscriptions';
const otherApp = '0b7d3c1e-5f2a-4b6c-8d9e-1a2b3c4d5e6f';

let sandbox: TestSandbox;
let receiver: WebhookReceiver;
let token: string;

beforeEach(async () => {
  sandbox = await startTestSandbox('empty', '2026-03-10T09:00:00.000Z');
  receiver = await new WebhookReceiver().start();
  token = await sandbox.token();
});
afterEach(async () => {
  await sandbox.close();
  await receiver.stop();
});

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return res.status === 204 ? undefined : res.json();
}

async function errorText(res: Response): Promise<string> {
  return ((await res.json()) as { error: { message: { value: string } } }).error.message.value;
}

function subscribe(body: Record<string, unknown>, path = subscriptions, as = token): Promise<Response> {
  return sandbox.call('POST', path, as, body, { prefer: 'return=representation' });
}

async function listed(as = token, path = subscriptions): Promise<Array<Record<string, unknown>>> {
  const res = await sandbox.call('GET', path, as);
  expect(res.status).toBe(200);
  return ((await res.json()) as { d: { results: Array<Record<string, unknown>> } }).d.results;
}

interface DeliveryView {
  state: string;
  action: string;
  key: string;
  attempts: Array<{ at: string; status?: number; error?: string }>;
  nextAttemptAt: string | null;
}

async function deliverNow(): Promise<DeliveryView[]> {
  return ((await control('POST', 'webhooks/deliver')) as { deliveries: DeliveryView[] }).deliveries;
}

describe('webhook subscriptions (reference 6.1)', () => {
  it('probes the callback with an empty POST and stores the subscription on a 2xx', async () => {
    const res = await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    expect(res.status).toBe(201);
    const d = ((await res.json()) as { d: Record<string, unknown> }).d;
    expect(d).toMatchObject({
      Topic: 'Accounts',
      CallbackURL: receiver.url,
      ClientID: defaultExactClientId,
      Division: 3215711,
      IsInstant: false,
      __metadata: { type: 'Exact.Web.Api.Models.WebhookSubscription' },
    });
    expect(String(d['ID'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(receiver.calls).toEqual([
      expect.objectContaining({ method: 'POST', path: '/exact/webhook', body: '' }),
    ]);
    expect((await listed()).map((r) => r['ID'])).toEqual([d['ID']]);
  });

  it('refuses the subscription with a 500 when the probe gets a non-2xx', async () => {
    receiver.status = () => 404;
    const res = await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    expect(res.status).toBe(500);
    expect(await errorText(res)).toBe('Invalid: Post to callback URL endpoint returns 404 Not Found');
    expect(await listed()).toEqual([]);
  });

  it('refuses an unreachable or silent callback with the text the reference quotes', async () => {
    const expected =
      'Invalid: Post to callback URL endpoint returns 500 An error occurred while sending the request.';
    const closed = await subscribe({ Topic: 'Accounts', CallbackURL: await unreachableUrl() });
    expect(closed.status).toBe(500);
    expect(await errorText(closed)).toBe(expected);
    await control('PUT', 'settings', { webhookTimeoutMs: 200 });
    receiver.status = () => null;
    const silent = await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    expect(silent.status).toBe(500);
    expect(await errorText(silent)).toBe(expected);
    expect(await listed()).toEqual([]);
  });

  it('allows one subscription per topic per app per division', async () => {
    expect((await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url })).status).toBe(201);
    const again = await subscribe({ Topic: 'Accounts', CallbackURL: `${receiver.url}?other` });
    expect(again.status).toBe(500);
    expect(await errorText(again)).toBe('Data already exists');
    expect((await subscribe({ Topic: 'Items', CallbackURL: receiver.url })).status).toBe(201);
    const otherDivision = '/api/v1/3215712/webhooks/WebhookSubscriptions';
    expect((await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url }, otherDivision)).status).toBe(
      201,
    );
    const otherToken = ((await control('POST', 'tokens', { clientId: otherApp })) as { access_token: string })
      .access_token;
    expect(
      (await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url }, subscriptions, otherToken)).status,
    ).toBe(201);
    expect((await listed()).map((r) => r['Topic']).sort()).toEqual(['Accounts', 'Items']);
  });

  it('lists and deletes only the calling app’s subscriptions', async () => {
    const mine = (
      (await (await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url })).json()) as {
        d: { ID: string };
      }
    ).d.ID;
    const otherToken = ((await control('POST', 'tokens', { clientId: otherApp })) as { access_token: string })
      .access_token;
    expect(await listed(otherToken)).toEqual([]);
    const key = `${subscriptions}(guid'${mine}')`;
    expect((await sandbox.call('GET', key, otherToken)).status).toBe(404);
    expect((await sandbox.call('DELETE', key, otherToken)).status).toBe(404);
    expect((await sandbox.call('GET', key, token)).status).toBe(200);
    expect(await control('GET', 'webhooks/subscriptions')).toHaveLength(1);
  });

  it('needs CallbackURL and Topic', async () => {
    const noUrl = await subscribe({ Topic: 'Accounts' });
    expect(noUrl.status).toBe(500);
    expect(await errorText(noUrl)).toBe('Verplicht: CallbackURL');
    const noTopic = await subscribe({ CallbackURL: receiver.url });
    expect(noTopic.status).toBe(500);
    expect(await errorText(noTopic)).toBe('Verplicht: Topic');
    expect(receiver.calls).toEqual([]);
  });

  it('allows IsInstant only for GoodsDeliveries', async () => {
    const refused = await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url, IsInstant: true });
    expect(refused.status).toBe(500);
    expect(await errorText(refused)).toMatch(/IsInstant/);
    const instant = await subscribe({ Topic: 'GoodsDeliveries', CallbackURL: receiver.url, IsInstant: true });
    expect(instant.status).toBe(201);
    expect(((await instant.json()) as { d: { IsInstant: boolean } }).d.IsInstant).toBe(true);
  });

  it('refuses PUT, and deletes with 204 and no body', async () => {
    const id = (
      (await (await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url })).json()) as {
        d: { ID: string };
      }
    ).d.ID;
    const key = `${subscriptions}(guid'${id}')`;
    expect((await sandbox.call('PUT', key, token, { CallbackURL: receiver.url })).status).toBe(405);
    const deleted = await sandbox.call('DELETE', key, token);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await sandbox.call('GET', key, token)).status).toBe(404);
    expect((await sandbox.call('DELETE', key, token)).status).toBe(404);
    expect(await listed()).toEqual([]);
  });

  it('requires HTTPS callbacks when webhookRequireHttps is on, as Exact does', async () => {
    await control('PUT', 'settings', { webhookRequireHttps: true });
    const res = await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    expect(res.status).toBe(500);
    expect(receiver.calls).toEqual([]);
  });
});

describe('webhook deliveries (reference 6.3, 6.4)', () => {
  const accounts = '/api/v1/3215711/crm/Accounts';

  async function createAccount(division = 3215711): Promise<string> {
    const res = await sandbox.call('POST', `/api/v1/${division}/crm/Accounts`, token, {
      Name: 'Fietsenmakerij De Spaak',
      Code: '42',
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { d: { ID: string } }).d.ID;
  }

  it('posts a signed Content for create, update and delete of a subscribed entity', async () => {
    expect((await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url })).status).toBe(201);
    const id = await createAccount();
    expect((await sandbox.call('PUT', `${accounts}(guid'${id}')`, token, { City: 'Utrecht' })).status).toBe(
      204,
    );
    expect((await sandbox.call('DELETE', `${accounts}(guid'${id}')`, token)).status).toBe(204);
    await deliverNow();
    const bodies = receiver.deliveries.map((c) => c.body);
    expect(bodies).toHaveLength(3);
    const endpoint = `${sandbox.url}/api/v1/3215711/crm/Accounts(guid'${id}')`;
    // 10:00 Amsterdam wall-clock is 09:00 UTC in March.
    expect(bodies[0]).toBe(
      `{"Content":{"Topic":"Accounts","ClientId":"${defaultExactClientId}","Division":3215711,"Action":"Create",` +
        `"Key":"${id}","ExactOnlineEndpoint":"${endpoint}","EventCreatedOn":"2026-03-10T10:00:00.000"},` +
        `"HashCode":"${/"HashCode":"([0-9A-F]{64})"/.exec(bodies[0] ?? '')?.[1]}"}`,
    );
    for (const body of bodies) {
      const content = body.slice('{"Content":'.length, body.lastIndexOf(',"HashCode":'));
      const expected = createHmac('sha256', defaultExactWebhookSecret)
        .update(content)
        .digest('hex')
        .toUpperCase();
      expect(body.endsWith(`,"HashCode":"${expected}"}`)).toBe(true);
    }
    expect(bodies.map((b) => (JSON.parse(b) as { Content: { Action: string } }).Content.Action)).toEqual([
      'Create',
      'Update',
      'Delete',
    ]);
    expect(receiver.deliveries[0]?.contentType).toMatch(/^application\/json/);
  });

  it('delivers nothing for other topics, other divisions, or after the subscription is deleted', async () => {
    const id = (
      (await (await subscribe({ Topic: 'Items', CallbackURL: receiver.url })).json()) as {
        d: { ID: string };
      }
    ).d.ID;
    await createAccount();
    await createAccount(3215712);
    const item = await sandbox.call('POST', '/api/v1/3215712/logistics/Items', token, {
      Code: 'FIETS-01',
      Description: 'Fiets',
    });
    expect(item.status).toBe(201);
    await deliverNow();
    expect(receiver.deliveries).toEqual([]);
    await sandbox.call('DELETE', `${subscriptions}(guid'${id}')`, token);
    const ownItem = await sandbox.call('POST', '/api/v1/3215711/logistics/Items', token, {
      Code: 'FIETS-02',
      Description: 'Fiets',
    });
    expect(ownItem.status).toBe(201);
    await deliverNow();
    expect(receiver.deliveries).toEqual([]);
  });

  it('reports creates as Update and dates as /Date(ms)/ when so configured', async () => {
    await control('PUT', 'settings', { webhookCreateAction: 'Update', webhookEventCreatedOn: 'msdate' });
    await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    await createAccount();
    await deliverNow();
    const content = (JSON.parse(receiver.deliveries[0]?.body ?? '{}') as { Content: Record<string, unknown> })
      .Content;
    expect(content).toMatchObject({
      Action: 'Update',
      EventCreatedOn: `/Date(${Date.parse('2026-03-10T10:00:00.000Z')})/`,
    });
  });

  it('retries a failing receiver after 2, 4 and 8 minutes of sandbox time', async () => {
    await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    receiver.status = (n) => (n === 1 || n > 4 ? 200 : 503); // call 1 was the probe
    await createAccount();
    let [delivery] = await deliverNow();
    expect(delivery?.attempts).toEqual([{ at: '2026-03-10T09:00:00.000Z', status: 503 }]);
    expect(delivery?.nextAttemptAt).toBe('2026-03-10T09:02:00.000Z');
    await control('POST', 'clock/advance', { ms: 119_000 });
    [delivery] = await deliverNow();
    expect(delivery?.attempts).toHaveLength(1);
    await control('POST', 'clock/advance', { ms: 1_000 });
    [delivery] = await deliverNow();
    expect(delivery?.attempts).toHaveLength(2);
    expect(delivery?.nextAttemptAt).toBe('2026-03-10T09:06:00.000Z');
    await control('POST', 'clock/advance', { ms: 4 * 60_000 });
    await deliverNow();
    await control('POST', 'clock/advance', { ms: 8 * 60_000 });
    [delivery] = await deliverNow();
    expect(delivery?.attempts.map((a) => [a.at, a.status])).toEqual([
      ['2026-03-10T09:00:00.000Z', 503],
      ['2026-03-10T09:02:00.000Z', 503],
      ['2026-03-10T09:06:00.000Z', 503],
      ['2026-03-10T09:14:00.000Z', 200],
    ]);
    expect(delivery).toMatchObject({ state: 'delivered', nextAttemptAt: null });
    expect(new Set(receiver.deliveries.map((c) => c.body)).size).toBe(1);
  });

  it('retries by itself in the running sandbox once its clock passes the due time', async () => {
    await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    receiver.status = (n) => (n === 2 ? 500 : 200);
    await createAccount();
    await deliverNow();
    await control('POST', 'clock/advance', { ms: 120_000 });
    const deadline = Date.now() + 5_000;
    while (receiver.deliveries.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.deliveries.map((c) => c.body)).toHaveLength(2);
  });

  it('gives up after the configured number of retries, also when the receiver is gone', async () => {
    await control('PUT', 'settings', { webhookRetryAttempts: 2, webhookRetryBaseMinutes: 1 });
    await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    await receiver.stop();
    await createAccount();
    let [delivery] = await deliverNow();
    for (const minutes of [1, 2]) {
      await control('POST', 'clock/advance', { ms: minutes * 60_000 });
      [delivery] = await deliverNow();
    }
    expect(delivery?.attempts).toHaveLength(3);
    expect(delivery?.attempts.every((a) => typeof a.error === 'string')).toBe(true);
    expect(delivery).toMatchObject({ state: 'failed', nextAttemptAt: null });
    await control('POST', 'clock/advance', { ms: 3_600_000 });
    [delivery] = await deliverNow();
    expect(delivery?.attempts).toHaveLength(3);
  });

  it('forgets subscriptions and deliveries on reset', async () => {
    await subscribe({ Topic: 'Accounts', CallbackURL: receiver.url });
    await createAccount();
    await deliverNow();
    await control('POST', 'reset', { seed: 'empty' });
    expect(await control('GET', 'webhooks/subscriptions')).toEqual([]);
    expect(await control('GET', 'webhooks/deliveries')).toEqual([]);
  });
});
