import { afterEach, describe, expect, it } from 'vitest';
import { KoppelError } from '../../core/errors.js';
import { SecretBox } from '../../core/secret-box.js';
import {
  createEngineHarness,
  harnessSecretKey,
  sampleItem,
  type EngineHarness,
} from '../../testing/engine-harness.js';
import { testDialects } from '../../testing/databases.js';
import { listAlerts } from '../../store/repos/alerts.js';
import { listDeliveries, markDeliverySent } from '../../store/repos/notification-deliveries.js';
import { dismissDeadLetter } from '../dismiss-dead-letter.js';
import { pauseConnection } from '../pause-connection.js';
import { runFlow } from '../run-flow.js';
import { purgeActivity } from '../purge.js';
import { isAckToken } from './ack-token.js';
import { acknowledgeAlertAndEvents } from './acknowledge.js';
import { alertDetectors } from './detectors.js';
import { evaluateAlerts } from './evaluate-alerts.js';
import { writeNotificationSettings } from './settings.js';
import { notificationSettingsSchema, type NotificationMessage } from './types.js';

const baseUrl = 'https://koppel.example.nl';
const minute = 60_000;

describe.each(testDialects)('alert lifecycle on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  async function settings(value: unknown) {
    await writeNotificationSettings(
      h.store.db,
      h.deps.box,
      notificationSettingsSchema.parse(value),
      new Date().toISOString(),
    );
  }

  /** Items `from`..`to` have no name, which the default mapping requires: a real run parks them. */
  async function deadLetters(from: number, to: number) {
    for (let n = from; n <= to; n++) h.loopback.put(sampleItem(n, { name: '' }));
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts.deadLettered).toBe(to - from + 1);
  }

  const deliveries = async () => (await listDeliveries(h.store.db, { limit: 1000 })).reverse();
  const messageOf = (row: { message: string }) => JSON.parse(row.message) as NotificationMessage;

  it('raises one alert for 200 dead letters, a digest only after digestMinutes and a change, and one resolved message', async () => {
    h = await createEngineHarness(dialect);
    await settings({
      digestMinutes: 60,
      recipients: [
        { name: 'ops', email: 'ops@example.nl' },
        { name: 'chat', webhook: { url: 'https://hooks.example.com/T0/B0/secretpath', format: 'slack' } },
      ],
    });
    await deadLetters(1, 200);
    const t0 = new Date('2026-03-02T10:00:00.000Z');

    const first = await evaluateAlerts(h.deps, { now: t0, baseUrl });
    expect(first).toMatchObject({ opened: 1, resolved: 0, queued: 2, failedDetectors: [] });
    const [alert] = await listAlerts(h.store.db);
    expect(alert).toMatchObject({ kind: 'dead_letters.new', state: 'open', messages_sent: 1 });
    const code = (await h.store.db.selectFrom('dead_letters').select('error_code').executeTakeFirstOrThrow())
      .error_code;
    expect(alert!.problem_key).toBe(`dead_letters:${h.flowId}:${code}`);
    let rows = await deliveries();
    expect(rows.map((r) => [r.message_kind, r.recipient, r.channel, r.address])).toEqual([
      ['opened', 'ops', 'email', 'ops@example.nl'],
      ['opened', 'chat', 'webhook', null],
    ]);
    expect(rows.map((r) => r.dedupe_key)).toEqual([`${alert!.id}:1:ops`, `${alert!.id}:1:chat`]);
    const opened = messageOf(rows[0]!);
    expect(opened.count).toBe(200);
    expect(opened.documents).toEqual([1, 2, 3, 4, 5].map((n) => `loopback item ${sampleItem(n).id}`));
    expect(opened.subject).toBe(`[Koppel] warning · Test pair: ${alert!.title}`);
    expect(opened.links.fix).toBe(
      `${baseUrl}/dead-letters?flow=${h.flowId}&error=${encodeURIComponent(code)}`,
    );
    expect(opened.cli).toBe(`koppel replay --flow ${h.flowId} --code ${code}`);
    expect(opened.links.alert).toBe(`${baseUrl}/?alert=${alert!.id}`);
    const ack = new URL(opened.links.acknowledge!);
    expect(isAckToken(SecretBox.fromText(harnessSecretKey), alert!.id, ack.searchParams.get('token')!)).toBe(
      true,
    );
    // Neither a payload value nor the webhook's secret path travels in a message.
    for (const r of rows) {
      expect(r.message).not.toContain('@example.nl');
      expect(r.message).not.toContain('secretpath');
    }

    // More of the same within digestMinutes: the alert follows, nobody is told again.
    await deadLetters(201, 210);
    expect(
      await evaluateAlerts(h.deps, { now: new Date(t0.getTime() + 10 * minute), baseUrl }),
    ).toMatchObject({
      opened: 0,
      queued: 0,
    });
    expect((await listAlerts(h.store.db))[0]!.title).toContain('210 documents');

    // After digestMinutes, changed: one digest per recipient.
    const t1 = new Date(t0.getTime() + 61 * minute);
    expect(await evaluateAlerts(h.deps, { now: t1, baseUrl })).toMatchObject({ queued: 2 });
    rows = await deliveries();
    expect(rows.slice(2).map((r) => [r.message_kind, r.dedupe_key])).toEqual([
      ['digest', `${alert!.id}:2:ops`],
      ['digest', `${alert!.id}:2:chat`],
    ]);
    expect(messageOf(rows[2]!).count).toBe(210);
    // Unchanged after another digestMinutes: no digest.
    expect(
      await evaluateAlerts(h.deps, { now: new Date(t1.getTime() + 61 * minute), baseUrl }),
    ).toMatchObject({
      queued: 0,
    });

    // Dismissed one by one through the engine: the problem is gone, the alert resolves once.
    const open = await h.store.db
      .selectFrom('dead_letters')
      .select('id')
      .where('state', '=', 'open')
      .execute();
    for (const d of open) await dismissDeadLetter(h.deps, d.id);
    const t2 = new Date(t1.getTime() + 120 * minute);
    expect(await evaluateAlerts(h.deps, { now: t2, baseUrl })).toMatchObject({ resolved: 1, queued: 2 });
    rows = await deliveries();
    expect(rows.slice(4).map((r) => [r.message_kind, r.dedupe_key])).toEqual([
      ['resolved', `${alert!.id}:3:ops`],
      ['resolved', `${alert!.id}:3:chat`],
    ]);
    const resolved = messageOf(rows[4]!);
    expect(resolved.subject).toBe(`[Koppel] resolved · Test pair: ${alert!.title.replace('200', '210')}`);
    expect(resolved.links.acknowledge).toBeNull();
    expect(resolved.resolvedAt).toBe(t2.toISOString());
    expect((await listAlerts(h.store.db))[0]).toMatchObject({
      state: 'resolved',
      resolved_at: t2.toISOString(),
    });

    for (const later of [1, 2])
      expect(
        await evaluateAlerts(h.deps, { now: new Date(t2.getTime() + later * 90 * minute), baseUrl }),
      ).toMatchObject({ opened: 0, resolved: 0, queued: 0 });
    expect(await deliveries()).toHaveLength(6);
  });

  it('gives an acknowledged alert no digest, but the resolved message', async () => {
    h = await createEngineHarness(dialect);
    await settings({ digestMinutes: 5, recipients: [{ name: 'ops', email: 'ops@example.nl' }] });
    await deadLetters(1, 3);
    const t0 = new Date('2026-03-02T10:00:00.000Z');
    await evaluateAlerts(h.deps, { now: t0, baseUrl });
    const [alert] = await listAlerts(h.store.db);
    await h.store.db
      .updateTable('alerts')
      .set({ acknowledged_at: t0.toISOString(), acknowledged_by: 'usr_test' })
      .where('id', '=', alert!.id)
      .execute();
    await deadLetters(4, 6);
    expect(
      await evaluateAlerts(h.deps, { now: new Date(t0.getTime() + 30 * minute), baseUrl }),
    ).toMatchObject({
      queued: 0,
    });
    for (const d of await h.store.db.selectFrom('dead_letters').select('id').execute())
      await dismissDeadLetter(h.deps, d.id);
    await evaluateAlerts(h.deps, { now: new Date(t0.getTime() + 40 * minute), baseUrl });
    expect((await deliveries()).map((r) => r.message_kind)).toEqual(['opened', 'resolved']);
  });

  it('queues nothing twice when two processes evaluate at once', async () => {
    h = await createEngineHarness(dialect);
    await settings({
      recipients: [
        { name: 'ops', email: 'ops@example.nl' },
        { name: 'lead', email: 'lead@example.nl', minSeverity: 'critical' },
      ],
    });
    await deadLetters(1, 4);
    await pauseConnection(h.deps, 'src', new KoppelError('refused', { code: 'auth.refused', kind: 'auth' }), {
      pairId: 'p1',
      flowId: null,
      runId: null,
    });
    const other = h.tdb.open();
    try {
      const now = new Date('2026-03-02T10:00:00.000Z');
      const second = { ...h.deps, store: other };
      await Promise.all([
        evaluateAlerts(h.deps, { now, baseUrl }),
        evaluateAlerts(second, { now, baseUrl }),
        evaluateAlerts(h.deps, { now, baseUrl }),
      ]);
      expect((await listAlerts(h.store.db)).map((a) => a.kind).sort()).toEqual([
        'connection.paused',
        'dead_letters.new',
      ]);
      // ops hears of both, lead of the critical one only.
      expect((await deliveries()).map((r) => `${r.message_kind}:${r.recipient}`).sort()).toEqual([
        'opened:lead',
        'opened:ops',
        'opened:ops',
      ]);
    } finally {
      await other.close();
    }
  });

  it('raises one critical alert for a paused connection whose message names the fix', async () => {
    h = await createEngineHarness(dialect);
    await settings({ recipients: [{ name: 'ops', email: 'ops@example.nl' }] });
    const error = new KoppelError('The refresh token was refused', {
      code: 'exact.unauthorized',
      kind: 'auth',
      details: { why: 'Target refused the token (invalid_grant)' },
    });
    await pauseConnection(h.deps, 'tgt', error, { pairId: 'p1', flowId: h.flowId, runId: null });
    await pauseConnection(h.deps, 'tgt', error, { pairId: 'p1', flowId: h.flowId, runId: null });
    const now = new Date('2026-03-02T10:00:00.000Z');
    await evaluateAlerts(h.deps, { now, baseUrl });
    await evaluateAlerts(h.deps, { now: new Date(now.getTime() + minute), baseUrl });
    const alerts = await listAlerts(h.store.db);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'connection.paused',
      severity: 'critical',
      connection_id: 'tgt',
      problem_key: 'connection.paused:tgt',
    });
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    const m = messageOf(rows[0]!);
    expect(m.subject).toBe('[Koppel] critical · Test pair: Connection "Target" lost its authorization');
    expect(m.cli).toBe('koppel connect tgt');
    expect(m.links.fix).toBe(`${baseUrl}/setup-wizard/p1/exact`);
    expect(m.why).toContain('invalid_grant');
    expect(m.fixAction).toContain('Connect "Target" again');

    // Acknowledging it marks the event that reported the pause as seen too, once.
    const ackAt = h.clock.now().toISOString();
    const ack = await acknowledgeAlertAndEvents(h.deps, alerts[0]!.id, ackAt, 'usr_test');
    expect(ack.acknowledged).toBe(true);
    const events = await h.store.db.selectFrom('events').select(['id', 'type', 'acknowledged_at']).execute();
    expect(events).toEqual([{ id: ack.events[0], type: 'connection.paused', acknowledged_at: ackAt }]);
    expect(await acknowledgeAlertAndEvents(h.deps, alerts[0]!.id, ackAt, 'usr_other')).toEqual({
      acknowledged: false,
      events: [],
    });
  });

  it('purges resolved alerts and settled messages after the metadata retention, never open ones', async () => {
    h = await createEngineHarness(dialect);
    await settings({ recipients: [{ name: 'ops', email: 'ops@example.nl' }] });
    await deadLetters(1, 2);
    await pauseConnection(h.deps, 'src', new KoppelError('refused', { code: 'auth.refused', kind: 'auth' }), {
      pairId: 'p1',
      flowId: null,
      runId: null,
    });
    const now = h.clock.now();
    await evaluateAlerts(h.deps, { now, baseUrl });
    for (const d of await h.store.db.selectFrom('dead_letters').select('id').execute())
      await dismissDeadLetter(h.deps, d.id);
    await evaluateAlerts(h.deps, { now, baseUrl });
    // The sender marks what it sent; the opened message of the paused connection it has not sent yet.
    for (const r of await deliveries())
      if (messageOf(r).problemKind === 'dead_letters.new')
        await markDeliverySent(h.store.db, r.id, now.toISOString(), 1);
    h.clock.advance(91 * 86_400_000);
    expect(await purgeActivity(h.deps)).toMatchObject({ alertsDeleted: 1, notificationsDeleted: 2 });
    expect((await listAlerts(h.store.db)).map((a) => a.kind)).toEqual(['connection.paused']);
    expect((await deliveries()).map((r) => messageOf(r).problemKind)).toEqual(['connection.paused']);
  });

  it('holds a warning until quiet hours end, but not a critical one excepted from them', async () => {
    h = await createEngineHarness(dialect);
    await settings({
      quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Amsterdam', except: 'critical' },
      recipients: [{ name: 'ops', email: 'ops@example.nl' }],
    });
    await deadLetters(1, 2);
    await pauseConnection(h.deps, 'src', new KoppelError('refused', { code: 'auth.refused', kind: 'auth' }), {
      pairId: 'p1',
      flowId: null,
      runId: null,
    });
    // 23:30 in Amsterdam (UTC+1 in winter): quiet until 07:00 local, 06:00 UTC.
    const now = new Date('2026-01-15T22:30:00.000Z');
    await evaluateAlerts(h.deps, { now, baseUrl });
    const due = Object.fromEntries(
      (await deliveries()).map((r) => [messageOf(r).severity, r.next_attempt_at]),
    );
    expect(due).toEqual({ critical: now.toISOString(), warning: '2026-01-16T06:00:00.000Z' });
  });

  it('tells a recipient only of its pairs and from its minimum severity', async () => {
    h = await createEngineHarness(dialect);
    await settings({
      recipients: [
        { name: 'mine', email: 'mine@example.nl', pairs: ['p1'] },
        { name: 'elsewhere', email: 'else@example.nl', pairs: ['p2'] },
        { name: 'critical-only', email: 'crit@example.nl', minSeverity: 'critical' },
        { name: 'everything', email: 'all@example.nl', minSeverity: 'info' },
      ],
    });
    await deadLetters(1, 2);
    await evaluateAlerts(h.deps, { now: new Date('2026-03-02T10:00:00.000Z'), baseUrl });
    expect((await deliveries()).map((r) => r.recipient).sort()).toEqual(['everything', 'mine']);
  });

  it('carries on past a detector that throws, and leaves the alerts of its kind alone', async () => {
    h = await createEngineHarness(dialect);
    await settings({ recipients: [{ name: 'ops', email: 'ops@example.nl' }] });
    await deadLetters(1, 2);
    const now = new Date('2026-03-02T10:00:00.000Z');
    await evaluateAlerts(h.deps, { now, baseUrl });
    const broken = alertDetectors.map((d) =>
      d.kind === 'dead_letters.new'
        ? {
            kind: d.kind,
            detect: () => Promise.reject(new Error('store hiccup')),
          }
        : d,
    );
    await pauseConnection(h.deps, 'src', new KoppelError('refused', { code: 'auth.refused', kind: 'auth' }), {
      pairId: 'p1',
      flowId: null,
      runId: null,
    });
    const result = await evaluateAlerts(h.deps, { now, baseUrl, detectors: broken });
    expect(result).toMatchObject({ opened: 1, resolved: 0, failedDetectors: ['dead_letters.new'] });
    expect((await listAlerts(h.store.db, { state: 'open' })).map((a) => a.kind).sort()).toEqual([
      'connection.paused',
      'dead_letters.new',
    ]);
    expect(h.logLines.some((l) => l.includes('alert detector dead_letters.new failed'))).toBe(true);
  });
});
