import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackPath } from '../../engine/notifications/ack-token.js';
import { readNotificationSettings } from '../../engine/notifications/settings.js';
import { getAlert, openAlert } from '../../store/repos/alerts.js';
import { listDeliveries } from '../../store/repos/notification-deliveries.js';
import { eventually } from '../../testing/api-waits.js';
import { upsertPair } from '../../store/repos/pairs.js';
import { sampleAlert } from '../../testing/alert-fixtures.js';
import { startApiHarness, type ApiClient, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

const slackUrl = 'https://hooks.slack.example/services/T000/B000/very-secret-path';

describe.each(testDialects)('notifications and alerts over the API (%s)', (dialect) => {
  let h: ApiHarness;
  let owner: ApiClient;
  const alerts = {
    a: sampleAlert({
      pair_id: 'pair-a',
      title: 'Orders of pair a are stuck',
      opened_at: '2026-12-07T08:00:00.000Z',
    }),
    b: sampleAlert({
      pair_id: 'pair-b',
      title: 'Orders of pair b are stuck',
      opened_at: '2026-12-07T09:00:00.000Z',
    }),
    wide: sampleAlert({ title: 'The API budget is nearly used up', opened_at: '2026-12-07T10:00:00.000Z' }),
  };
  const auditOf = (action: string) =>
    h.app.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  beforeAll(async () => {
    h = await startApiHarness(dialect, {
      configure: async (app) => {
        const at = app.clock.now().toISOString();
        for (const p of ['a', 'b'])
          await upsertPair(app.store.db, { id: `pair-${p}`, name: `Pair ${p}` }, at);
        for (const alert of Object.values(alerts)) expect(await openAlert(app.store.db, alert)).toBe(true);
      },
    });
    owner = await h.signedIn('owner');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores the settings an owner puts, encrypted, and shows a webhook without its path or secret', async () => {
    const put = await owner.put('/api/notifications', {
      digestMinutes: 30,
      quietHours: { from: '22:00', to: '07:00', except: 'critical' },
      recipients: [
        { name: 'Office', email: 'office@example.com', minSeverity: 'info', pairs: ['pair-a'] },
        { name: 'Slack', webhook: { url: slackUrl, format: 'slack', secret: 'signing-secret' } },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.recipients).toEqual([
      { name: 'Office', email: 'office@example.com', minSeverity: 'info', pairs: ['pair-a'] },
      {
        name: 'Slack',
        webhook: { url: 'https://hooks.slack.example/…', format: 'slack', hasSecret: true },
        minSeverity: 'warning',
      },
    ]);
    const viewer = await h.signedIn('viewer');
    const shown = await viewer.get('/api/notifications');
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ ...put.body, enabled: true });
    expect(shown.body.quietHours).toEqual({
      from: '22:00',
      to: '07:00',
      timeZone: 'Europe/Amsterdam',
      except: 'critical',
    });
    const raw = await h.app.store.db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', 'notifications')
      .execute();
    expect(JSON.stringify(raw)).not.toContain('very-secret-path');
    expect(JSON.stringify(raw)).not.toContain('signing-secret');
    const [line] = await auditOf('notifications.change');
    expect(line?.details).not.toContain('very-secret-path');
    expect(line?.details).not.toContain('signing-secret');
  });

  it('keeps a webhook’s stored URL and secret when a change leaves them out', async () => {
    const put = await owner.put('/api/notifications', {
      recipients: [{ name: 'Slack', webhook: { format: 'slack' }, minSeverity: 'critical' }],
    });
    expect(put.status).toBe(200);
    const stored = await readNotificationSettings(h.app.store.db, h.app.box);
    expect(stored.recipients).toEqual([
      {
        name: 'Slack',
        webhook: { url: slackUrl, format: 'slack', secret: 'signing-secret' },
        minSeverity: 'critical',
      },
    ]);
    const fresh = await owner.put('/api/notifications', {
      recipients: [{ name: 'Teams', webhook: { format: 'teams' } }],
    });
    expect(fresh.status).toBe(400);
    const twice = await owner.put('/api/notifications', {
      recipients: [
        { name: 'Office', email: 'a@example.com' },
        { name: 'Office', email: 'b@example.com' },
      ],
    });
    expect(twice.status).toBe(400);
    const both = await owner.put('/api/notifications', {
      recipients: [{ name: 'Office', email: 'a@example.com', webhook: { url: slackUrl } }],
    });
    expect(both.status).toBe(400);
  });

  it('lets only an unscoped owner change them', async () => {
    const body = { recipients: [] };
    expect((await (await h.signedIn('operator')).put('/api/notifications', body)).status).toBe(403);
    const scoped = await h.signedIn('owner', { pairScope: ['pair-a'] });
    expect((await scoped.get('/api/notifications')).status).toBe(403);
    expect((await scoped.put('/api/notifications', body)).status).toBe(403);
  });

  it('queues a test message and shows deliveries without a webhook’s address', async () => {
    await owner.put('/api/notifications', {
      recipients: [
        { name: 'Office', email: 'office@example.com' },
        { name: 'Slack', webhook: { url: slackUrl, format: 'slack' } },
      ],
    });
    const unknown = await owner.post('/api/notifications/test', { recipient: 'Nobody' });
    expect(unknown.status).toBe(404);
    const mail = await owner.post('/api/notifications/test', { recipient: 'Office' });
    expect(mail.status).toBe(202);
    const hook = await owner.post('/api/notifications/test', { recipient: 'Slack' });
    expect(hook.status).toBe(202);
    const queued = await listDeliveries(h.app.store.db);
    expect(queued.map((d) => d.id).sort()).toEqual([mail.body.deliveryId, hook.body.deliveryId].sort());
    expect(JSON.parse(queued.find((d) => d.id === mail.body.deliveryId)!.message)).toMatchObject({
      kind: 'test',
      id: mail.body.deliveryId,
    });
    // Someone waits for a test message: a worker tries it at once, not at the next minute's pass.
    // Here neither can arrive (no mail server configured, a webhook host this network cannot reach),
    // so both wait for their next attempt with the reason in sight.
    const operator = await h.signedIn('operator');
    const list = await eventually(async () => {
      const r = await operator.get('/api/notifications/deliveries');
      return r.body.items.every((d: any) => d.attempts >= 1) ? r : undefined;
    });
    expect(list.status).toBe(200);
    // The error names the webhook's host, as the settings show it, never its path (its credential).
    expect(JSON.stringify(list.body)).not.toContain('very-secret-path');
    const byId = new Map(list.body.items.map((d: any) => [d.id, d]));
    expect(byId.get(mail.body.deliveryId)).toMatchObject({
      kind: 'test',
      recipient: 'Office',
      channel: 'email',
      address: 'office@example.com',
      state: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('KOPPEL_SMTP_URL'),
      subject: '[Koppel] Test message',
    });
    expect(byId.get(hook.body.deliveryId)).toMatchObject({
      channel: 'webhook',
      address: null,
      state: 'pending',
      attempts: 1,
      nextAttemptAt: expect.any(String),
      lastError: expect.stringContaining('https://hooks.slack.example/…'),
    });
    const pendingOnly = await operator.get('/api/notifications/deliveries?state=failed');
    expect(pendingOnly.body.items).toEqual([]);
    expect((await (await h.signedIn('viewer')).get('/api/notifications/deliveries')).status).toBe(403);
  });

  it('lists alerts a caller may see, and an operator acknowledges one', async () => {
    const viewer = await h.signedIn('viewer');
    const all = await viewer.get('/api/alerts?state=open');
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: any) => a.id)).toEqual([alerts.wide.id, alerts.b.id, alerts.a.id]);
    expect(all.body.items[2]).toMatchObject({
      pairId: 'pair-a',
      severity: 'warning',
      state: 'open',
      count: 3,
      documents: ['20240017', '20240018', '20240021'],
      fix: { webPath: '/dead-letters', cli: 'koppel replay orders' },
      acknowledgedAt: null,
    });
    const scoped = await h.signedIn('operator', { pairScope: ['pair-b'] });
    const own = await scoped.get('/api/alerts');
    expect(own.body.items.map((a: any) => a.id)).toEqual([alerts.b.id]);
    expect((await scoped.post(`/api/alerts/${alerts.a.id}/acknowledge`)).status).toBe(404);
    expect((await viewer.post(`/api/alerts/${alerts.b.id}/acknowledge`)).status).toBe(403);
    const acked = await scoped.post(`/api/alerts/${alerts.b.id}/acknowledge`);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: alerts.b.id, acknowledgedAt: expect.any(String) });
    expect(acked.body.acknowledgedBy).toMatch(/@koppel\.test$/);
    expect((await auditOf('alert.acknowledge')).map((l) => l.target_id)).toEqual([alerts.b.id]);
    expect((await viewer.get('/api/alerts?state=resolved')).body.items).toEqual([]);
  });

  it('acknowledges from a message’s link only when its button is pressed, and only with its token', async () => {
    const path = ackPath(h.app.box, alerts.a.id);
    const page = await h.anonymous().get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('Orders of pair a are stuck');
    expect(page.body).toContain('<button type="submit">Acknowledge</button>');
    // Opening the link (as a mail scanner does) changes nothing.
    expect((await getAlert(h.app.store.db, alerts.a.id))?.acknowledged_at).toBeNull();

    const wrong = await h.anonymous().get(`/alerts/${alerts.a.id}/acknowledge?token=${'x'.repeat(43)}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body).not.toContain('Orders of pair a');
    const token = new URL(path, h.url).searchParams.get('token')!;
    const other = await h.anonymous().get(`/alerts/${alerts.wide.id}/acknowledge?token=${token}`);
    expect(other.status).toBe(404);
    const form = (t: string, id = alerts.a.id) =>
      h.anonymous().call('POST', `/alerts/${id}/acknowledge`, undefined, {
        raw: new URLSearchParams({ token: t }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.url },
      });
    expect((await form('wrong')).status).toBe(404);
    expect((await form(token, alerts.wide.id)).status).toBe(404);
    expect((await getAlert(h.app.store.db, alerts.a.id))?.acknowledged_at).toBeNull();

    const pressed = await form(token);
    expect(pressed.status).toBe(200);
    expect(pressed.body).toContain('Acknowledged');
    const stored = await getAlert(h.app.store.db, alerts.a.id);
    expect(stored).toMatchObject({ acknowledged_by: 'link', acknowledged_at: expect.any(String) });
    const lines = await auditOf('alert.acknowledge');
    expect(lines.find((l) => l.target_id === alerts.a.id)).toMatchObject({ actor_name: 'acknowledge link' });
    // A second press keeps the first time.
    expect((await form(token)).status).toBe(200);
    expect((await getAlert(h.app.store.db, alerts.a.id))?.acknowledged_at).toBe(stored?.acknowledged_at);
  });
});
