import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { KoppelError } from '../../core/errors.js';
import { createLogger } from '../../core/logging.js';
import { SecretBox } from '../../core/secret-box.js';
import { SecretRegistry } from '../../core/secret-registry.js';
import { listAlerts } from '../../store/repos/alerts.js';
import { listDeliveries } from '../../store/repos/notification-deliveries.js';
import { testDialects } from '../../testing/databases.js';
import {
  captureLogLines,
  createEngineHarness,
  harnessSecretKey,
  sampleItem,
  type EngineHarness,
} from '../../testing/engine-harness.js';
import { loopbackItemsKind } from '../../testing/loopback-flow.js';
import { createTestCertificate, SmtpInbox, type TestCertificate } from '../../testing/smtp-inbox.js';
import type { EngineDeps } from '../deps.js';
import { pauseConnection } from '../pause-connection.js';
import { replayDeadLetters } from '../replay.js';
import { runFlow } from '../run-flow.js';
import { deliverDueNotifications } from './deliver.js';
import { evaluateAlerts } from './evaluate-alerts.js';
import { writeNotificationSettings } from './settings.js';
import { notificationSettingsSchema } from './types.js';

/**
 * The whole path of a notification, as the person it is for sees it: real runs park records, the
 * alert lifecycle decides what to say, and the messages arrive in a real SMTP server over
 * STARTTLS with a login. Between a failed send and the next, the process "restarts" (its store
 * and dependencies are made anew on the same database): nothing is lost and nothing arrives twice.
 */

const baseUrl = 'https://koppel.example.nl';
const minute = 60_000;
const smtpLogin = { user: 'koppel', password: 'smtp-pass-Zq81' };

describe.each(testDialects)('notifications by e-mail on %s', (dialect) => {
  let certificate: TestCertificate;
  let inbox: SmtpInbox;
  let h: EngineHarness | undefined;
  let reopened: { close(): Promise<void> } | undefined;
  let restartedLogLines: string[] = [];
  beforeAll(() => {
    certificate = createTestCertificate();
  });
  afterAll(() => certificate.remove());
  afterEach(async () => {
    await inbox?.stop();
    await reopened?.close();
    await h?.close();
    h = undefined;
    reopened = undefined;
  });

  function withSmtp(deps: EngineDeps): EngineDeps {
    deps.secrets.add(smtpLogin.password);
    return {
      ...deps,
      notifications: {
        from: 'Koppel <koppel@example.nl>',
        smtp: { host: '127.0.0.1', port: inbox.port, secure: false, ...smtpLogin, ca: certificate.cert },
      },
    };
  }

  /** The same database, a new store and new dependencies: what a restarted process has. */
  function restart(harness: EngineHarness): EngineDeps {
    const store = harness.tdb.open();
    const { lines, destination } = captureLogLines();
    restartedLogLines = lines;
    const secrets = new SecretRegistry();
    reopened = store;
    return withSmtp({
      ...harness.deps,
      store,
      secrets,
      box: SecretBox.fromText(harnessSecretKey),
      logger: createLogger({ level: 'debug', secrets, destination }),
    });
  }

  async function pass(deps: EngineDeps, now: Date) {
    await evaluateAlerts(deps, { now, baseUrl });
    return deliverDueNotifications(deps, { now });
  }

  it('tells of 200 failing records in one e-mail, a digest, and one resolved message, across a restart', async () => {
    inbox = await new SmtpInbox({ tls: 'starttls', certificate, auth: smtpLogin }).start();
    h = await createEngineHarness(dialect);
    let deps = withSmtp(h.deps);
    await writeNotificationSettings(
      h.store.db,
      deps.box,
      notificationSettingsSchema.parse({
        digestMinutes: 60,
        recipients: [{ name: 'finance', email: 'finance@example.nl' }],
      }),
      new Date().toISOString(),
    );
    for (let n = 1; n <= 200; n++) h.loopback.put(sampleItem(n, { name: '' }));
    expect((await runFlow(deps, { flowId: h.flowId, trigger: 'manual' })).counts.deadLettered).toBe(200);
    const t0 = h.clock.now();

    expect(await pass(deps, t0)).toMatchObject({ sent: 1 });
    expect(inbox.messages).toHaveLength(1);
    const [opened] = inbox.messages;
    expect(opened!.secure).toBe(true);
    expect(opened!.user).toBe(smtpLogin.user);
    expect(opened!.to).toEqual(['finance@example.nl']);
    const text = opened!.parsed.text ?? '';
    expect(opened!.parsed.subject).toContain('200');
    expect(text).toContain(`${baseUrl}/dead-letters?flow=${h.flowId}&error=`);
    expect(text).toContain(`koppel replay --flow ${h.flowId}`);
    expect(text).toContain(`loopback item ${sampleItem(1).id}`);
    expect(text).toContain('/acknowledge?token=');

    // Ten more of the same within the digest interval: nobody is told again.
    for (let n = 201; n <= 210; n++) h.loopback.put(sampleItem(n, { name: '' }));
    await runFlow(deps, { flowId: h.flowId, trigger: 'manual' });
    await pass(deps, new Date(t0.getTime() + 10 * minute));
    expect(inbox.messages).toHaveLength(1);

    // The digest is due while the mail server is down: it waits in the store.
    await inbox.stop();
    expect(await pass(deps, new Date(t0.getTime() + 61 * minute))).toMatchObject({ sent: 0, retrying: 1 });
    const [waiting] = await listDeliveries(h.store.db, { states: ['pending'] });
    expect(waiting).toMatchObject({ message_kind: 'digest', attempts: 1 });
    expect(waiting!.last_error).not.toContain(smtpLogin.password);

    // A restart: new store and dependencies on the same database, the mail server back.
    deps = restart(h);
    await inbox.start();
    const later = new Date(t0.getTime() + 3 * 60 * minute);
    expect(await pass(deps, later)).toMatchObject({ sent: 1 });
    expect(await pass(deps, new Date(later.getTime() + minute))).toMatchObject({ sent: 0, retrying: 0 });
    expect(inbox.messages).toHaveLength(2);
    const digest = inbox.messages[1]!;
    expect(digest.parsed.subject).toContain('210');
    // Threaded under the first message in a mail client.
    expect(digest.parsed.inReplyTo).toBe(opened!.parsed.messageId);

    // The mapping fixed and the records replayed: one message that it cleared.
    const fixed = {
      ...loopbackItemsKind.defaultMapping,
      fields: {
        ...loopbackItemsKind.defaultMapping.fields,
        name: { source: 'name', default: 'Unnamed item', required: true },
      },
    };
    await h.setMapping(fixed);
    const outcome = await replayDeadLetters(deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(outcome).toMatchObject({ resolved: 210, failed: 0 });
    await pass(deps, new Date(later.getTime() + 2 * minute));
    await pass(deps, new Date(later.getTime() + 3 * minute));
    expect(inbox.messages).toHaveLength(3);
    expect(inbox.messages[2]!.parsed.subject).toMatch(/resolved/i);
    const [alert] = await listAlerts(h.store.db);
    expect(alert).toMatchObject({ state: 'resolved' });

    // Nothing that is a secret or a customer's data travelled or was logged.
    for (const m of inbox.messages) {
      expect(m.raw).not.toContain(smtpLogin.password);
      expect(m.raw).not.toContain('buyer1@example.nl');
    }
    expect(restartedLogLines.some((l) => l.includes('notification sent'))).toBe(true);
    expect([...h.logLines, ...restartedLogLines].join('\n')).not.toContain(smtpLogin.password);
  });

  it('tells of a lost authorization once, critical, with the one action that fixes it', async () => {
    inbox = await new SmtpInbox({ tls: 'starttls', certificate, auth: smtpLogin }).start();
    h = await createEngineHarness(dialect);
    const deps = withSmtp(h.deps);
    await writeNotificationSettings(
      h.store.db,
      deps.box,
      notificationSettingsSchema.parse({
        recipients: [{ name: 'ops', email: 'ops@example.nl', minSeverity: 'critical' }],
      }),
      new Date().toISOString(),
    );
    const refused = new KoppelError('Target refused the token', { code: 'auth.refused', kind: 'auth' });
    await pauseConnection(deps, 'tgt', refused, { pairId: 'p1', flowId: h.flowId, runId: null });
    const now = h.clock.now();
    await pass(deps, now);
    await pass(deps, new Date(now.getTime() + 90 * minute));
    expect(inbox.messages).toHaveLength(1);
    const [mail] = inbox.messages;
    expect(mail!.parsed.subject).toMatch(/critical/);
    expect(mail!.parsed.text).toContain('koppel connect tgt');
  });
});
