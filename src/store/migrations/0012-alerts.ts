import { sql, type Kysely } from 'kysely';

/**
 * Alerts, the messages about them, and reconciliation reports.
 *
 * An alert is one problem (a paused connection, one error code's dead letters in one flow), not
 * one record: it is opened once, updated while it lasts and resolved once, so whoever is told
 * about it hears of it once, then in digests, then that it cleared. Messages wait in
 * `notification_deliveries` until they are sent, so a restart neither loses nor repeats one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('problem_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('pair_id', 'text')
    .addColumn('flow_id', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('last_notified_at', 'text')
    .addColumn('notified_fingerprint', 'text')
    .addColumn('messages_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // One open alert per problem: a second detector pass finds the first instead of opening another.
  await db.schema
    .createIndex('alerts_open_problem')
    .on('alerts')
    .column('problem_key')
    .unique()
    .where(sql<boolean>`state = 'open'`)
    .execute();
  await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'opened_at']).execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('alert_id', 'text')
    .addColumn('message_kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('notification_deliveries_due')
    .on('notification_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_alert')
    .on('notification_deliveries')
    .column('alert_id')
    .execute();

  await db.schema
    .createTable('reconcile_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('documents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('differences', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('report', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('reconcile_reports_flow')
    .on('reconcile_reports')
    .columns(['flow_id', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reconcile_reports').execute();
  await db.schema.dropTable('notification_deliveries').execute();
  await db.schema.dropTable('alerts').execute();
}
