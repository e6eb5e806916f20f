import { sql } from 'kysely';
import type { EngineDeps } from './deps.js';
import { purgeWebhookReceipts } from '../store/repos/webhook-receipts.js';
import { readInstallationSettings } from './installation-settings.js';
import { webhookReceiptKeepMs } from './webhook-event-age.js';

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
}

const dayMs = 86_400_000;

/**
 * Retention: payloads (snapshots, requests, responses, diffs) are emptied after the payload
 * retention; metadata (runs, records, events, settled dead letters and write-ahead rows, finished
 * jobs) is deleted after the metadata retention. Open dead letters are kept until the metadata
 * retention too: they are the only copy of a record that still has to reach the target. Webhook
 * receipts (the seen-set of deliveries) go once a repeat would be refused by its event time anyway.
 * What only served sign-in and consent goes once it can no longer be used: ended sessions, used or
 * expired one-time links, OAuth states a day after they expired (`koppel connect` reads their
 * outcome meanwhile), throttles whose window and block have passed. The audit log holds e-mail
 * and client addresses, so it follows the metadata retention like the rest of the activity log.
 */
export async function purgeActivity(deps: EngineDeps): Promise<PurgeResult> {
  const db = deps.store.db;
  const settings = await readInstallationSettings(db, deps.defaults);
  const now = deps.clock.now().getTime();
  const payloadCutoff = new Date(now - settings.payloadRetentionDays * dayMs).toISOString();
  const metaCutoff = new Date(now - settings.metadataRetentionDays * dayMs).toISOString();
  const count = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
    Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);

  const payloads = await db
    .updateTable('records')
    .set({ snapshot: null, payload: null, request: null, response: null, diff: null, payload_purged: 1 })
    .where('created_at', '<', payloadCutoff)
    .where('payload_purged', '=', 0)
    .executeTakeFirst();
  const records = await db.deleteFrom('records').where('created_at', '<', metaCutoff).executeTakeFirst();
  const runs = await db
    .deleteFrom('runs')
    .where('created_at', '<', metaCutoff)
    .where('state', 'not in', ['queued', 'running'])
    .executeTakeFirst();
  const events = await db.deleteFrom('events').where('created_at', '<', metaCutoff).executeTakeFirst();
  const deadLetters = await db
    .deleteFrom('dead_letters')
    .where('updated_at', '<', metaCutoff)
    .where('state', '!=', 'replaying')
    .executeTakeFirst();
  const writeAhead = await db
    .deleteFrom('write_ahead')
    .where('updated_at', '<', metaCutoff)
    .where('state', '!=', 'pending')
    .executeTakeFirst();
  const jobs = await db
    .deleteFrom('jobs')
    .where('updated_at', '<', metaCutoff)
    .where(sql<boolean>`state in ('completed', 'failed', 'cancelled')`)
    .executeTakeFirst();
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
  return {
    payloadsPurged: count(payloads),
    recordsDeleted: count(records),
    runsDeleted: count(runs),
    eventsDeleted: count(events),
    deadLettersDeleted: count(deadLetters),
    writeAheadDeleted: count(writeAhead),
    jobsDeleted: count(jobs),
    webhookReceiptsDeleted: webhookReceipts,
    accessRowsDeleted: ended.reduce((n, r) => n + count(r), 0),
    auditDeleted: count(audit),
  };
}
