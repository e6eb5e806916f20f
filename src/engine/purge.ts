import type { EngineDeps } from './deps.js';
import { purgeWebhookReceipts } from '../store/repos/webhook-receipts.js';
import { readInstallationSettings, type InstallationSettings } from './installation-settings.js';
import { webhookReceiptKeepMs } from './webhook-event-age.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import { purgeResolvedAlerts } from '../store/repos/alerts.js';
import { purgeSettledDeliveries } from '../store/repos/notification-deliveries.js';

export interface PurgeResult {
  payloadsPurged: number;
  recordsDeleted: number;
  runsDeleted: number;
  eventsDeleted: number;
  deadLettersDeleted: number;
  writeAheadDeleted: number;
  jobsDeleted: number;
  webhookReceiptsDeleted: number;
  /** Ended sessions, spent or expired one-time links and OAuth states, stale sign-in throttles. */
  accessRowsDeleted: number;
  auditDeleted: number;
  /** Alerts resolved before the metadata retention. */
  alertsDeleted: number;
  /** Notification messages sent or given up before the metadata retention. */
  notificationsDeleted: number;
  /** Open dead letters whose owner was told today that their payload is past the payload retention. */
  payloadWarnings: number;
}

/** Dead letters a person still has to act on (or a replay is working on): never purged. */
const unsettled = ['open', 'replaying'];

const dayMs = 86_400_000;

/**
 * Retention: payloads (snapshots, requests, responses, diffs) are emptied after the payload
 * retention; metadata (runs, records, events, settled dead letters and write-ahead rows, finished
 * jobs) is deleted after the metadata retention. An open dead letter (and the record it was parked
 * from, payload included) is kept however old it is: the cursor has moved past it, so it is the
 * only copy of a record that still has to reach the target, until it is replayed or resolved.
 * `deadLetters.payloadWarningDays` before its payload would have expired, an event says it is still
 * open (once per dead letter). Webhook
 * receipts (the seen-set of deliveries) go once a repeat would be refused by its event time anyway.
 * What only served sign-in and consent goes once it can no longer be used: ended sessions, used or
 * expired one-time links, OAuth states a day after they expired (`koppel connect` reads their
 * outcome meanwhile), throttles whose window and block have passed. The audit log holds e-mail
 * and client addresses, so it follows the metadata retention like the rest of the activity log.
 * Resolved alerts and the messages sent (or given up) about anything follow it too.
 */
export async function purgeActivity(deps: EngineDeps): Promise<PurgeResult> {
  const db = deps.store.db;
  const settings = await readInstallationSettings(db, deps.defaults);
  const now = deps.clock.now().getTime();
  const payloadCutoff = new Date(now - settings.payloadRetentionDays * dayMs).toISOString();
  const metaCutoff = new Date(now - settings.metadataRetentionDays * dayMs).toISOString();
  const count = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
    Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);

  const payloadWarnings = await warnOfExpiringPayloads(deps, settings, now);
  const parkedRecords = db.selectFrom('dead_letters').select('record_id').where('state', 'in', unsettled);
  const payloads = await db
    .updateTable('records')
    .set({ snapshot: null, payload: null, request: null, response: null, diff: null, payload_purged: 1 })
    .where('created_at', '<', payloadCutoff)
    .where('payload_purged', '=', 0)
    .where('id', 'not in', parkedRecords)
    .executeTakeFirst();
  const records = await db
    .deleteFrom('records')
    .where('created_at', '<', metaCutoff)
    .where('id', 'not in', parkedRecords)
    .executeTakeFirst();
  const runs = await db
    .deleteFrom('runs')
    .where('created_at', '<', metaCutoff)
    .where('state', 'not in', ['queued', 'running'])
    .executeTakeFirst();
  const events = await db.deleteFrom('events').where('created_at', '<', metaCutoff).executeTakeFirst();
  const deadLetters = await db
    .deleteFrom('dead_letters')
    .where('updated_at', '<', metaCutoff)
    .where('state', 'not in', unsettled)
    .executeTakeFirst();
  const writeAhead = await db
    .deleteFrom('write_ahead')
    .where('updated_at', '<', metaCutoff)
    .where('state', '!=', 'pending')
    .executeTakeFirst();
  const jobsDeleted = await deps.queue.purgeFinished(new Date(metaCutoff));
  const receiptCutoff = new Date(now - webhookReceiptKeepMs(deps.defaults.webhookMaxAgeHours)).toISOString();
  const webhookReceipts = await purgeWebhookReceipts(db, receiptCutoff);
  const nowIso = new Date(now).toISOString();
  const ended = [
    await db.deleteFrom('sessions').where('expires_at', '<=', nowIso).executeTakeFirst(),
    await db
      .deleteFrom('one_time_links')
      .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('used_at', 'is not', null)]))
      .executeTakeFirst(),
    await db
      .deleteFrom('oauth_states')
      .where('expires_at', '<', new Date(now - dayMs).toISOString())
      .executeTakeFirst(),
    await db
      .deleteFrom('login_throttle')
      .where('updated_at', '<', new Date(now - dayMs).toISOString())
      .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', nowIso)]))
      .executeTakeFirst(),
  ];
  const audit = await db.deleteFrom('audit_log').where('at', '<', metaCutoff).executeTakeFirst();
  // An open alert and a message still waiting are kept however old, like an open dead letter.
  const alertsDeleted = await purgeResolvedAlerts(db, metaCutoff);
  const notificationsDeleted = await purgeSettledDeliveries(db, metaCutoff);
  return {
    payloadsPurged: count(payloads),
    recordsDeleted: count(records),
    runsDeleted: count(runs),
    eventsDeleted: count(events),
    deadLettersDeleted: count(deadLetters),
    writeAheadDeleted: count(writeAhead),
    jobsDeleted,
    webhookReceiptsDeleted: webhookReceipts,
    accessRowsDeleted: ended.reduce((n, r) => n + count(r), 0),
    auditDeleted: count(audit),
    alertsDeleted,
    notificationsDeleted,
    payloadWarnings,
  };
}

/**
 * One event per flow naming its open dead letters whose payload would expire within
 * `payloadWarningDays` (were they not kept while open), each dead letter once.
 */
async function warnOfExpiringPayloads(
  deps: EngineDeps,
  settings: InstallationSettings,
  now: number,
): Promise<number> {
  const db = deps.store.db;
  const warnAfterDays = Math.max(0, settings.payloadRetentionDays - settings.deadLetters.payloadWarningDays);
  const due = await db
    .selectFrom('dead_letters')
    .select(['id', 'pair_id', 'flow_id', 'created_at'])
    .where('state', '=', 'open')
    .where('payload_warned_at', 'is', null)
    .where('created_at', '<=', new Date(now - warnAfterDays * dayMs).toISOString())
    .orderBy('id')
    .execute();
  const byFlow = new Map<string, typeof due>();
  for (const dl of due) byFlow.set(dl.flow_id, [...(byFlow.get(dl.flow_id) ?? []), dl]);
  const at = new Date(now).toISOString();
  for (const letters of byFlow.values()) {
    const first = letters[0]!;
    const expires = new Date(Date.parse(first.created_at) + settings.payloadRetentionDays * dayMs);
    await db.transaction().execute(async (trx) => {
      await insertEvent(trx, {
        id: newId('evt'),
        type: 'dead_letter.payload_expiring',
        severity: 'warning',
        pair_id: first.pair_id,
        flow_id: first.flow_id,
        connection_id: null,
        run_id: null,
        message:
          `${letters.length} open dead letter(s) of flow ${first.flow_id} reach the payload retention ` +
          `(the first on ${expires.toISOString().slice(0, 10)}). They are kept, with their payloads, ` +
          'until someone replays or resolves them.',
        details: JSON.stringify({ deadLetterIds: letters.map((l) => l.id) }),
        created_at: at,
        acknowledged_at: null,
      });
      await trx
        .updateTable('dead_letters')
        .set({ payload_warned_at: at })
        .where(
          'id',
          'in',
          letters.map((l) => l.id),
        )
        .where('payload_warned_at', 'is', null)
        .execute();
    });
  }
  return due.length;
}
