import { describe, expect, it } from 'vitest';
import { freshStorePerTest, testDialects } from '../../testing/databases.js';
import { acknowledgeAlert, listAlerts, openAlert, openAlerts, updateAlert, type AlertRow } from './alerts.js';
import {
  claimDueDeliveries,
  markDeliverySent,
  queueDelivery,
  type NotificationDeliveryRow,
} from './notification-deliveries.js';

function alert(id: string, key: string): AlertRow {
  return {
    id,
    problem_key: key,
    kind: 'dead_letters.new',
    severity: 'warning',
    pair_id: null,
    flow_id: null,
    connection_id: null,
    state: 'open',
    title: 'Two records of orders failed',
    details: '{}',
    opened_at: '2026-12-07T10:00:00.000Z',
    last_seen_at: '2026-12-07T10:00:00.000Z',
    resolved_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    last_notified_at: null,
    notified_fingerprint: null,
    messages_sent: 0,
  };
}

function delivery(id: string, dedupe: string): NotificationDeliveryRow {
  return {
    id,
    dedupe_key: dedupe,
    alert_id: 'alr_1',
    message_kind: 'opened',
    recipient: 'finance',
    channel: 'email',
    address: 'finance@example.nl',
    message: '{}',
    state: 'pending',
    attempts: 0,
    next_attempt_at: '2026-12-07T10:00:00.000Z',
    locked_until: null,
    last_error: null,
    created_at: '2026-12-07T10:00:00.000Z',
    sent_at: null,
  };
}

describe.each(testDialects)('alerts and deliveries on %s', (dialect) => {
  const fresh = freshStorePerTest(dialect);

  it('keeps one open alert per problem, and a resolved one does not block the next', async () => {
    const { db } = await fresh.open();
    expect(await openAlert(db, alert('alr_1', 'p'))).toBe(true);
    expect(await openAlert(db, alert('alr_2', 'p'))).toBe(false);
    expect((await openAlerts(db)).map((a) => a.id)).toEqual(['alr_1']);
    expect(
      await updateAlert(db, 'alr_1', 'open', { state: 'resolved', resolved_at: '2026-12-07T11:00:00.000Z' }),
    ).toBe(true);
    expect(await updateAlert(db, 'alr_1', 'open', { title: 'x' })).toBe(false);
    expect(await openAlert(db, alert('alr_3', 'p'))).toBe(true);
    expect(await acknowledgeAlert(db, 'alr_3', '2026-12-07T12:00:00.000Z', 'usr_a')).toBe(true);
    expect(await acknowledgeAlert(db, 'alr_3', '2026-12-07T13:00:00.000Z', 'usr_b')).toBe(false);
    const [latest] = await listAlerts(db, { state: 'open' });
    expect(latest).toMatchObject({ id: 'alr_3', acknowledged_by: 'usr_a' });
  });

  it('queues a message once and lets one claimer take it', async () => {
    const { db } = await fresh.open();
    expect(await queueDelivery(db, delivery('ntf_1', 'alr_1:1:finance'))).toBe(true);
    expect(await queueDelivery(db, delivery('ntf_2', 'alr_1:1:finance'))).toBe(false);
    const now = '2026-12-07T10:01:00.000Z';
    const first = await claimDueDeliveries(db, now, '2026-12-07T10:02:00.000Z', 10);
    const second = await claimDueDeliveries(db, now, '2026-12-07T10:02:00.000Z', 10);
    expect(first.map((d) => d.id)).toEqual(['ntf_1']);
    expect(second).toEqual([]);
    await markDeliverySent(db, 'ntf_1', now, 1);
    expect(await claimDueDeliveries(db, '2026-12-07T10:05:00.000Z', '2026-12-07T10:06:00.000Z', 10)).toEqual(
      [],
    );
  });
});
