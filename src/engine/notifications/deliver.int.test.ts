import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { StoreQueue } from '../../queue/store-queue.js';
import { loadConfig } from '../../core/config.js';
import { newId } from '../../core/ids.js';
import { createLogger } from '../../core/logging.js';
import { SecretBox } from '../../core/secret-box.js';
import { SecretRegistry } from '../../core/secret-registry.js';
import { notificationDeps } from '../../main.js';
import type { Store } from '../../store/database.js';
import {
  claimDueDeliveries,
  getDelivery,
  queueDelivery,
  type NotificationDeliveryRow,
} from '../../store/repos/notification-deliveries.js';
import { freshStorePerTest, testDialects } from '../../testing/databases.js';
import { captureLogLines } from '../../testing/engine-harness.js';
import { loopbackRegistry } from '../../testing/loopback-flow.js';
import { NotificationWebhookReceiver } from '../../testing/notification-webhook-receiver.js';
import { createTestCertificate, SmtpInbox, type TestCertificate } from '../../testing/smtp-inbox.js';
import { freePort } from '../../testing/webhook-receiver.js';
import type { EngineDeps } from '../deps.js';
import { defaultRetryOptions } from '../retry-policy.js';
import { deliverDueNotifications } from './deliver.js';
import { writeNotificationSettings } from './settings.js';
import { notificationSettingsSchema, type MessageKind, type NotificationMessage } from './types.js';

const smtpUser = 'mailer@koppel.test';
const smtpPassword = 'smtp-Pa55word/with:specials';
const webhookSecret = 'whsec-0123456789-abcdef-secret';
const start = '2026-03-02T09:00:00.000Z';

let certificate: TestCertificate;
beforeAll(() => {
  certificate = createTestCertificate();
});
afterAll(() => certificate.remove());

function message(
  id: string,
  kind: MessageKind,
  extra: Partial<NotificationMessage> = {},
): NotificationMessage {
  return {
    id,
    kind,
    alertId: 'alr_test1',
    problemKind: 'dead_letters.new',
    severity: 'warning',
    subject: `[warning] Shop: 12 invoices <not> written`,
    title: '12 invoices <script>alert(1)</script> not written to Asperion',
    why: 'The customer has no e-mail address & Asperion requires one.',
    count: 12,
    documents: ['20240017', '20240018', '20240019', '20240020', '20240021', '20240022', '20240023'],
    pair: { id: 'shop', name: 'Shop' },
    flow: { id: 'invoices', name: 'Invoices' },
    links: {
      fix: 'https://koppel.example.nl/dead-letters?flow=invoices',
      acknowledge: 'https://koppel.example.nl/alerts/alr_test1/acknowledge?token=abc',
      alert: 'https://koppel.example.nl/alerts/alr_test1',
    },
    fixAction: 'Add the e-mail address in Exact, then replay.',
    cli: 'koppel replay invoices --error asperion.missing_email',
    openedAt: start,
    resolvedAt: kind === 'resolved' ? '2026-03-02T11:30:00.000Z' : null,
    at: start,
    ...extra,
  };
}

describe.each(testDialects)('notification delivery on %s', (dialect) => {
  const fresh = freshStorePerTest(dialect);
  let store: Store;
  let clock: ManualClock;
  let logLines: string[];
  let box: SecretBox;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(env: Record<string, string> = {}): Promise<EngineDeps> {
    store = await fresh.open();
    clock = new ManualClock(start);
    const captured = captureLogLines();
    logLines = captured.lines;
    const secrets = new SecretRegistry();
    const config = loadConfig(env);
    secrets.add(config.smtp?.password);
    box = SecretBox.fromText('test-secret-key-for-notifications');
    return {
      store,
      queue: new StoreQueue(store, clock),
      box,
      secrets,
      logger: createLogger({ level: 'debug', secrets, destination: captured.destination }),
      clock,
      registry: loopbackRegistry,
      retry: defaultRetryOptions,
      writeConcurrency: 1,
      defaults: { payloadRetentionDays: 14, metadataRetentionDays: 90, webhookMaxAgeHours: 48 },
      notifications: notificationDeps(config),
    };
  }

  async function inbox(options: ConstructorParameters<typeof SmtpInbox>[0]): Promise<SmtpInbox> {
    const i = await new SmtpInbox(options).start();
    cleanups.push(() => i.stop());
    return i;
  }

  async function receiver(secret?: string): Promise<NotificationWebhookReceiver> {
    const r = await new NotificationWebhookReceiver(secret).start();
    cleanups.push(() => r.stop());
    return r;
  }

  async function queue(
    channel: 'email' | 'webhook',
    kind: MessageKind,
    extra: Partial<NotificationDeliveryRow> = {},
    msg: Partial<NotificationMessage> = {},
  ): Promise<string> {
    const id = newId('ntf', clock.now());
    await queueDelivery(store.db, {
      id,
      dedupe_key: `${msg.alertId ?? 'alr_test1'}:${id}`,
      alert_id: msg.alertId === undefined ? 'alr_test1' : msg.alertId,
      message_kind: kind,
      recipient: channel === 'email' ? 'ops' : 'hook',
      channel,
      address: channel === 'email' ? 'ops@example.nl' : null,
      message: JSON.stringify(message(id, kind, msg)),
      state: 'pending',
      attempts: 0,
      next_attempt_at: clock.now().toISOString(),
      locked_until: null,
      last_error: null,
      created_at: clock.now().toISOString(),
      sent_at: null,
      ...extra,
    });
    return id;
  }

  async function webhookRecipient(url: string, format: 'json' | 'slack' | 'teams', secret?: string) {
    await writeNotificationSettings(
      store.db,
      box,
      notificationSettingsSchema.parse({
        recipients: [{ name: 'hook', webhook: { url, format, ...(secret ? { secret } : {}) } }],
      }),
      start,
    );
  }

  async function row(id: string): Promise<NotificationDeliveryRow> {
    const r = await getDelivery(store.db, id);
    if (!r) throw new Error(`no delivery ${id}`);
    return r;
  }

  function expectNoSecrets(...texts: Array<string | null | undefined>) {
    const all = [...texts, ...logLines].join('\n');
    for (const secret of [smtpPassword, encodeURIComponent(smtpPassword), webhookSecret])
      expect(all).not.toContain(secret);
  }

  describe('e-mail', () => {
    it('sends over STARTTLS with a login: subject, text with the fix link and CLI, escaped HTML, threaded', async () => {
      const mail = await inbox({
        tls: 'starttls',
        certificate,
        auth: { user: smtpUser, password: smtpPassword },
      });
      const deps = await setup({
        KOPPEL_SMTP_URL: mail.url({ user: smtpUser, password: smtpPassword }),
        KOPPEL_SMTP_CA_FILE: certificate.caFile,
        KOPPEL_SMTP_FROM: 'Koppel <koppel@example.nl>',
      });
      const opened = await queue('email', 'opened');
      clock.advance(1000);
      const digest = await queue('email', 'digest');

      expect(await deliverDueNotifications(deps, { now: clock.now() })).toEqual({
        sent: 2,
        failed: 0,
        retrying: 0,
      });
      const received = await mail.waitFor(2);
      expect(received.map((m) => [m.secure, m.user, m.to])).toEqual([
        [true, smtpUser, ['ops@example.nl']],
        [true, smtpUser, ['ops@example.nl']],
      ]);
      const first = received.find((m) => m.parsed.messageId === `<${opened}@koppel>`)!;
      const second = received.find((m) => m.parsed.messageId === `<${digest}@koppel>`)!;
      expect(first.parsed.subject).toBe('[warning] Shop: 12 invoices <not> written');
      expect(first.parsed.from?.value).toEqual([{ name: 'Koppel', address: 'koppel@example.nl' }]);
      expect(first.parsed.inReplyTo).toBeUndefined();
      expect(second.parsed.inReplyTo).toBe(`<${opened}@koppel>`);
      expect(second.parsed.references).toBe(`<${opened}@koppel>`);

      const text = first.parsed.text ?? '';
      expect(text).toContain('New problem: 12 invoices <script>alert(1)</script> not written to Asperion');
      expect(text).toContain('https://koppel.example.nl/dead-letters?flow=invoices');
      expect(text).toContain('koppel replay invoices --error asperion.missing_email');
      expect(text).toContain('https://koppel.example.nl/alerts/alr_test1/acknowledge?token=abc');
      expect(text).toContain('20240021');
      expect(text).not.toContain('20240022');
      expect(text).toContain('and 7 more');
      const html = String(first.parsed.html);
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('href="https://koppel.example.nl/dead-letters?flow=invoices"');
      expect(second.parsed.text).toContain('Still going on since 2026-03-02 09:00 UTC');

      for (const id of [opened, digest])
        expect(await row(id)).toMatchObject({
          state: 'sent',
          attempts: 1,
          last_error: null,
          locked_until: null,
        });
      expect(logLines.filter((l) => l.includes('notification sent'))).toHaveLength(2);
      expectNoSecrets(...received.map((m) => m.raw));
    });

    it('sends over implicit TLS (smtps) and says when a problem cleared', async () => {
      const mail = await inbox({ tls: 'implicit', certificate });
      const deps = await setup({ KOPPEL_SMTP_URL: mail.url(), KOPPEL_SMTP_CA_FILE: certificate.caFile });
      const id = await queue('email', 'resolved');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 1, failed: 0, retrying: 0 });
      const [m] = await mail.waitFor(1);
      expect(m!.secure).toBe(true);
      expect(m!.parsed.text).toContain('Cleared at 2026-03-02 11:30 UTC');
      expect(m!.parsed.text).not.toContain('How to fix it');
      expect((await row(id)).state).toBe('sent');
    });

    it('does not trust a certificate it was not told to trust', async () => {
      const mail = await inbox({ tls: 'implicit', certificate });
      const deps = await setup({ KOPPEL_SMTP_URL: mail.url() });
      const id = await queue('email', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(mail.messages).toHaveLength(0);
      expect((await row(id)).last_error).toMatch(/certificate/i);
    });

    it('retries while the mail server is down, later and later, and sends once it is back', async () => {
      const mail = await inbox({
        tls: 'starttls',
        certificate,
        auth: { user: smtpUser, password: smtpPassword },
      });
      const deps = await setup({
        KOPPEL_SMTP_URL: mail.url({ user: smtpUser, password: smtpPassword }),
        KOPPEL_SMTP_CA_FILE: certificate.caFile,
      });
      await mail.stop();
      const id = await queue('email', 'opened');

      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      const first = await row(id);
      expect(first).toMatchObject({
        state: 'pending',
        attempts: 1,
        next_attempt_at: '2026-03-02T09:01:00.000Z',
      });
      expect(first.last_error).toMatch(/^SMTP smtp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);

      // Not due yet: nothing is tried.
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 0 });
      clock.advance(60_000);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(await row(id)).toMatchObject({ attempts: 2, next_attempt_at: '2026-03-02T09:03:00.000Z' });

      await mail.start();
      clock.advance(2 * 60_000);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 1, failed: 0, retrying: 0 });
      await mail.waitFor(1);
      expect(await row(id)).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
      expectNoSecrets(first.last_error, mail.messages[0]!.raw);
    });

    it('keeps a refused login retryable, without the password in the error', async () => {
      const mail = await inbox({
        tls: 'starttls',
        certificate,
        auth: { user: smtpUser, password: 'the-right-one-1' },
      });
      const deps = await setup({
        KOPPEL_SMTP_URL: mail.url({ user: smtpUser, password: smtpPassword }),
        KOPPEL_SMTP_CA_FILE: certificate.caFile,
      });
      const id = await queue('email', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(mail.logins).toEqual([{ user: smtpUser, ok: false }]);
      const r = await row(id);
      expect(r.last_error).toMatch(/EAUTH/);
      expectNoSecrets(r.last_error);
    });

    it('never sends the password to a server that offers no STARTTLS', async () => {
      const mail = await inbox({ tls: 'none', auth: { user: smtpUser, password: smtpPassword } });
      const deps = await setup({ KOPPEL_SMTP_URL: mail.url({ user: smtpUser, password: smtpPassword }) });
      const id = await queue('email', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(mail.logins).toEqual([]);
      expect((await row(id)).last_error).toMatch(/STARTTLS/i);
    });

    it('gives up at once on a recipient the server refuses (550)', async () => {
      const mail = await inbox({ tls: 'starttls', certificate, refuse: ['ops@example.nl'] });
      const deps = await setup({ KOPPEL_SMTP_URL: mail.url(), KOPPEL_SMTP_CA_FILE: certificate.caFile });
      const id = await queue('email', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 1, retrying: 0 });
      expect(await row(id)).toMatchObject({ state: 'failed', attempts: 1 });
      expect((await row(id)).last_error).toMatch(/550/);
    });

    it('refuses to start with a CA file it cannot read', () => {
      const smtp = loadConfig({
        KOPPEL_SMTP_URL: 'smtps://mail.example.nl',
        KOPPEL_SMTP_CA_FILE: '/nonexistent/ca.pem',
      });
      expect(() => notificationDeps(smtp)).toThrow(
        /KOPPEL_SMTP_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/,
      );
    });

    it('waits for KOPPEL_SMTP_URL when it is not set', async () => {
      const deps = await setup();
      const id = await queue('email', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(await row(id)).toMatchObject({ state: 'pending', last_error: 'KOPPEL_SMTP_URL is not set' });
    });

    it('sends each message once when two senders run at the same time', async () => {
      const mail = await inbox({ tls: 'starttls', certificate });
      const deps = await setup({ KOPPEL_SMTP_URL: mail.url(), KOPPEL_SMTP_CA_FILE: certificate.caFile });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await queue('email', 'opened', {}, { alertId: `alr_${i}` }));
      const [a, b] = await Promise.all([deliverDueNotifications(deps), deliverDueNotifications(deps)]);
      expect(a.sent + b.sent).toBe(12);
      expect(a.failed + b.failed + a.retrying + b.retrying).toBe(0);
      await mail.waitFor(12);
      // Give a duplicate, if any, the time to arrive too.
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 0 });
      expect(mail.messages.map((m) => m.parsed.messageId).sort()).toEqual(
        ids.map((id) => `<${id}@koppel>`).sort(),
      );
    });

    it('gives up after its 30th attempt', async () => {
      const deps = await setup({ KOPPEL_SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
      const id = await queue('email', 'opened', { created_at: '2026-03-01T09:00:30.000Z', attempts: 29 });
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 1, retrying: 0 });
      expect(await row(id)).toMatchObject({ state: 'failed', attempts: 30 });
    });
  });

  describe('webhooks', () => {
    it('posts Koppel’s JSON, signed with the recipient’s secret, with the delivery id as idempotency key', async () => {
      const hook = await receiver(webhookSecret);
      const deps = await setup();
      await webhookRecipient(hook.url(), 'json', webhookSecret);
      const id = await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 1, failed: 0, retrying: 0 });
      expect(hook.calls).toHaveLength(1);
      const call = hook.calls[0]!;
      expect(call.signatureValid).toBe(true);
      expect(call.headers['koppel-signature']).toMatch(
        new RegExp(`^t=${Date.parse(start) / 1000},v1=[0-9a-f]{64}$`),
      );
      expect(call.headers['koppel-delivery']).toBe(id);
      expect(call.headers['content-type']).toBe('application/json');
      const body = JSON.parse(call.body) as { type: string; message: NotificationMessage };
      expect(body.type).toBe('koppel.alert.opened');
      expect(body.message).toMatchObject({
        id,
        title: message(id, 'opened').title,
        cli: message(id, 'opened').cli,
      });
      expect(await row(id)).toMatchObject({ state: 'sent', attempts: 1 });
      expectNoSecrets(call.body);
    });

    it('retries 500 twice with a growing delay, then is sent on the third attempt, same delivery id', async () => {
      const hook = (await receiver(webhookSecret)).failFirst(2, 500);
      const deps = await setup();
      await webhookRecipient(hook.url(), 'json', webhookSecret);
      const id = await queue('webhook', 'digest');

      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      const first = await row(id);
      expect(first).toMatchObject({
        state: 'pending',
        attempts: 1,
        next_attempt_at: '2026-03-02T09:01:00.000Z',
      });
      expect(first.last_error).toBe(
        'webhook http://127.0.0.1:' + new URL(hook.url()).port + '/… answered 500',
      );
      clock.set(first.next_attempt_at);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      const second = await row(id);
      expect(second.next_attempt_at).toBe('2026-03-02T09:03:00.000Z');
      clock.set(second.next_attempt_at);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 1, failed: 0, retrying: 0 });

      expect(await row(id)).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
      expect(hook.calls.map((c) => [c.status, c.headers['koppel-delivery'], c.signatureValid])).toEqual([
        [500, id, true],
        [500, id, true],
        [200, id, true],
      ]);
      expectNoSecrets(first.last_error, second.last_error);
    });

    it('sends a message a crashed sender had claimed once its lock runs out, and nothing is lost', async () => {
      const hook = await receiver(webhookSecret);
      const deps = await setup();
      await webhookRecipient(hook.url(), 'json', webhookSecret);
      const id = await queue('webhook', 'opened');
      // A process claimed it and died before sending.
      const now = clock.now().toISOString();
      expect(await claimDueDeliveries(store.db, now, '2026-03-02T09:02:00.000Z', 10)).toHaveLength(1);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 0 });
      clock.advance(2 * 60_000);
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 1, failed: 0, retrying: 0 });
      expect(hook.calls.map((c) => c.headers['koppel-delivery'])).toEqual([id]);
      expect(await row(id)).toMatchObject({ state: 'sent', attempts: 1, locked_until: null });
    });

    it('fails at once on 400, with the status in the error', async () => {
      const hook = (await receiver()).failFirst(5, 400);
      const deps = await setup();
      await webhookRecipient(hook.url(), 'json');
      const id = await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 1, retrying: 0 });
      expect(await row(id)).toMatchObject({ state: 'failed', attempts: 1 });
      expect((await row(id)).last_error).toMatch(/answered 400$/);
      expect(hook.calls[0]!.headers['koppel-signature']).toBeUndefined();
    });

    it('waits as long as a 429’s Retry-After asks', async () => {
      const hook = (await receiver()).failFirst(1, 429, { 'retry-after': '600' });
      const deps = await setup();
      await webhookRecipient(hook.url(), 'json');
      const id = await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      expect(await row(id)).toMatchObject({ next_attempt_at: '2026-03-02T09:10:00.000Z' });
    });

    it('retries when nothing listens', async () => {
      const deps = await setup();
      await webhookRecipient(`http://127.0.0.1:${await freePort()}/hook`, 'json', webhookSecret);
      const id = await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 0, retrying: 1 });
      const r = await row(id);
      expect(r.last_error).toMatch(/ECONNREFUSED/);
      expectNoSecrets(r.last_error);
    });

    it('fails a message whose recipient was removed from the settings', async () => {
      const deps = await setup();
      const id = await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toEqual({ sent: 0, failed: 1, retrying: 0 });
      expect((await row(id)).last_error).toBe(
        'recipient "hook" has no webhook in the notification settings any more',
      );
    });

    it('posts a Slack incoming-webhook body', async () => {
      const hook = await receiver();
      const deps = await setup();
      await webhookRecipient(hook.url('/services/T000/B000/XXXX'), 'slack');
      await queue('webhook', 'opened');
      expect(await deliverDueNotifications(deps)).toMatchObject({ sent: 1 });
      const call = hook.calls[0]!;
      expect(call.path).toBe('/services/T000/B000/XXXX');
      expect(call.headers['koppel-signature']).toBeUndefined();
      const body = JSON.parse(call.body) as {
        text: string;
        blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ url?: string }> }>;
      };
      expect(body.text).toBe('[warning] Shop: 12 invoices &lt;not&gt; written');
      expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
      expect(body.blocks[1]!.text?.text).toContain('`koppel replay invoices --error asperion.missing_email`');
      expect(body.blocks[3]!.elements?.map((e) => e.url)).toEqual([
        'https://koppel.example.nl/dead-letters?flow=invoices',
        'https://koppel.example.nl/alerts/alr_test1/acknowledge?token=abc',
      ]);
    });

    it('posts a Teams body with an Adaptive Card, signed when a secret is set', async () => {
      const hook = await receiver(webhookSecret);
      const deps = await setup();
      await webhookRecipient(hook.url(), 'teams', webhookSecret);
      await queue('webhook', 'resolved');
      expect(await deliverDueNotifications(deps)).toMatchObject({ sent: 1 });
      const call = hook.calls[0]!;
      expect(call.signatureValid).toBe(true);
      const body = JSON.parse(call.body) as {
        type: string;
        attachments: Array<{
          contentType: string;
          content: { type: string; version: string; body: Array<{ text?: string }>; actions: unknown[] };
        }>;
      };
      expect(body.type).toBe('message');
      expect(body.attachments).toHaveLength(1);
      expect(body.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
      const card = body.attachments[0]!.content;
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
      expect(card.body[0]!.text).toBe(
        'Cleared at 2026-03-02 11:30 UTC: 12 invoices <script>alert(1)</script> not written to Asperion',
      );
      expect(card.actions).toEqual([
        { type: 'Action.OpenUrl', title: 'Details', url: 'https://koppel.example.nl/alerts/alr_test1' },
      ]);
    });
  });
});
