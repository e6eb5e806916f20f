import { afterEach, describe, expect, it } from 'vitest';
import { writeNotificationSettings } from '../engine/notifications/settings.js';
import { notificationSettingsSchema } from '../engine/notifications/types.js';
import { getAlert, openAlert } from '../store/repos/alerts.js';
import { listDeliveries } from '../store/repos/notification-deliveries.js';
import { sampleAlert } from '../testing/alert-fixtures.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../testing/engine-harness.js';
import { loopbackRegistry } from '../testing/loopback-flow.js';
import { runKoppel } from '../testing/run-koppel.js';
import { createTestCertificate, SmtpInbox } from '../testing/smtp-inbox.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the command's JSON as it comes */

describe.each(testDialects)('koppel alerts and koppel notify on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => {
    await h?.close();
  });
  const koppel = (...args: string[]) => runKoppel(h, args, { registry: loopbackRegistry, clock: h.clock });

  it('lists open alerts, acknowledges one, and lists resolved ones with --all', async () => {
    h = await createEngineHarness(dialect);
    const open = sampleAlert({
      pair_id: 'p1',
      title: 'Orders are stuck',
      opened_at: '2026-12-07T08:00:00.000Z',
    });
    const resolved = sampleAlert({
      title: 'The budget ran low',
      state: 'resolved',
      resolved_at: '2026-12-07T07:30:00.000Z',
      opened_at: '2026-12-07T07:00:00.000Z',
    });
    for (const a of [open, resolved]) await openAlert(h.store.db, a);

    const list = await koppel('alerts');
    expect(list.code).toBe(0);
    expect(list.out).toContain('Orders are stuck');
    expect(list.out).toMatch(/warning\s+p1\s+Orders are stuck\s+2026-12-07T08:00:00.000Z/);
    expect(list.out).not.toContain('The budget ran low');

    const ack = await koppel('alerts', 'ack', open.id);
    expect(ack.code).toBe(0);
    expect(ack.out).toBe(`Acknowledged ${open.id}: Orders are stuck\n`);
    expect((await getAlert(h.store.db, open.id))?.acknowledged_at).not.toBeNull();
    expect((await koppel('alerts', 'ack', open.id)).out).toContain('was acknowledged before');
    const audit = await h.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'alert.acknowledge')
      .execute();
    expect(audit).toHaveLength(2);

    const json = await koppel('alerts', '--all', '--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out) as any[];
    expect(rows.map((r) => [r.title, r.state, r.acknowledgedAt !== null])).toEqual([
      ['Orders are stuck', 'open', true],
      ['The budget ran low', 'resolved', false],
    ]);
    const unknown = await koppel('alerts', 'ack', 'alr-nope');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('No alert "alr-nope"');
  });

  it('sends a test message to a recipient by name at once, and says why when it cannot', async () => {
    h = await createEngineHarness(dialect);
    await writeNotificationSettings(
      h.store.db,
      h.deps.box,
      notificationSettingsSchema.parse({ recipients: [{ name: 'Office', email: 'office@example.com' }] }),
      h.clock.now().toISOString(),
    );
    // No mail server configured yet: the message waits, and the command says why.
    const waiting = await koppel('notify', 'test', 'Office');
    expect(waiting.code).not.toBe(0);
    expect(waiting.err).toContain('KOPPEL_SMTP_URL');
    const [first] = await listDeliveries(h.store.db);
    expect(first).toMatchObject({ message_kind: 'test', address: 'office@example.com', state: 'pending' });

    const certificate = createTestCertificate();
    const inbox = await new SmtpInbox({ tls: 'starttls', certificate }).start();
    try {
      const sent = await runKoppel(h, ['notify', 'test', 'Office'], {
        registry: loopbackRegistry,
        clock: h.clock,
        env: { KOPPEL_SMTP_URL: inbox.url(), KOPPEL_SMTP_CA_FILE: certificate.caFile },
      });
      expect(sent.code).toBe(0);
      const [latest] = await listDeliveries(h.store.db, { limit: 1 });
      expect(sent.out).toBe(`Sent test message ${latest!.id} to Office.\n`);
      expect(latest).toMatchObject({ state: 'sent' });
      expect(inbox.messages.map((m) => [m.to, m.parsed.subject])).toContainEqual([
        ['office@example.com'],
        '[Koppel] Test message',
      ]);
    } finally {
      await inbox.stop();
      certificate.remove();
    }
    const unknown = await koppel('notify', 'test', 'Nobody');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('No recipient "Nobody"');
  });
});
