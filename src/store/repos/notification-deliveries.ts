import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationDeliveryTable } from '../schema.js';

export type NotificationDeliveryRow = Selectable<NotificationDeliveryTable>;

/** Queues a message; answers false when one with the same dedupe key was queued before. */
export async function queueDelivery(db: Kysely<Database>, row: NotificationDeliveryRow): Promise<boolean> {
  const r = await db
    .insertInto('notification_deliveries')
    .values(row)
    .onConflict((c) => c.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Takes up to `limit` pending messages that are due and not held by another process, and holds
 * them until `lockUntil`. Each is taken by compare-and-set, so two processes never send one twice.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  now: string,
  lockUntil: string,
  limit: number,
): Promise<NotificationDeliveryRow[]> {
  const candidates = await db
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  const claimed: NotificationDeliveryRow[] = [];
  for (const row of candidates) {
    const r = await db
      .updateTable('notification_deliveries')
      .set({ locked_until: lockUntil })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .where((eb) =>
        row.locked_until === null
          ? eb('locked_until', 'is', null)
          : eb('locked_until', '=', row.locked_until),
      )
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) claimed.push({ ...row, locked_until: lockUntil });
  }
  return claimed;
}

export async function markDeliverySent(db: Kysely<Database>, id: string, at: string, attempts: number) {
  await db
    .updateTable('notification_deliveries')
    .set({ state: 'sent', sent_at: at, attempts, locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: tried again at `retryAt`, or given up (`failed`) when retryAt is null. */
export async function markDeliveryAttemptFailed(
  db: Kysely<Database>,
  id: string,
  attempts: number,
  error: string,
  retryAt: string | null,
) {
  await db
    .updateTable('notification_deliveries')
    .set({
      attempts,
      last_error: error,
      locked_until: null,
      ...(retryAt === null ? { state: 'failed' } : { next_attempt_at: retryAt }),
    })
    .where('id', '=', id)
    .execute();
}

export interface DeliveryFilter {
  states?: readonly string[] | undefined;
  alertId?: string | undefined;
  before?: string | undefined;
  limit?: number | undefined;
}

/** Newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  f: DeliveryFilter = {},
): Promise<NotificationDeliveryRow[]> {
  let q = db
    .selectFrom('notification_deliveries')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50);
  if (f.states && f.states.length > 0) q = q.where('state', 'in', [...f.states]);
  if (f.alertId) q = q.where('alert_id', '=', f.alertId);
  if (f.before) q = q.where('id', '<', f.before);
  return q.execute();
}

/** Deliveries by state and channel, for the metrics. */
export async function countDeliveries(
  db: Kysely<Database>,
): Promise<Array<{ state: string; channel: string; count: number }>> {
  const rows = await db
    .selectFrom('notification_deliveries')
    .select(['state', 'channel'])
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .groupBy(['state', 'channel'])
    .execute();
  return rows.map((r) => ({ state: r.state, channel: r.channel, count: Number(r.count) }));
}

/** Deletes messages sent or given up before `cutoff`; pending ones stay. Answers how many. */
export async function purgeSettledDeliveries(db: Kysely<Database>, cutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('notification_deliveries')
    .where('state', 'in', ['sent', 'failed'])
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * The id of the `opened` message of an alert to one recipient: later messages about the alert
 * refer to it, so mail clients thread opened, digests and resolved together.
 */
export async function openedDeliveryId(
  db: Kysely<Database>,
  alertId: string,
  recipient: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('notification_deliveries')
    .select('id')
    .where('alert_id', '=', alertId)
    .where('recipient', '=', recipient)
    .where('message_kind', '=', 'opened')
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

export async function getDelivery(
  db: Kysely<Database>,
  id: string,
): Promise<NotificationDeliveryRow | undefined> {
  return db.selectFrom('notification_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether any message still waits to be sent (due or not). */
export async function hasPendingDeliveries(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('notification_deliveries')
    .select('id')
    .where('state', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
