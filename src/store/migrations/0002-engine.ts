import type { Kysely } from 'kysely';

/** Runs, the per-record activity log, record links, the write-ahead log, dead letters, cursors, events. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('api_calls', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('runs_flow_created').on('runs').columns(['flow_id', 'created_at']).execute();
  await db.schema.createIndex('runs_created').on('runs').column('created_at').execute();

  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('operation', 'text')
    .addColumn('mapping_version', 'integer')
    .addColumn('target_id', 'text')
    .addColumn('natural_key', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_kind', 'text')
    .addColumn('error_message', 'text')
    .addColumn('timeline', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('snapshot', 'text')
    .addColumn('payload', 'text')
    .addColumn('request', 'text')
    .addColumn('response', 'text')
    .addColumn('diff', 'text')
    .addColumn('payload_purged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_run').on('records').column('run_id').execute();
  await db.schema
    .createIndex('records_flow_state')
    .on('records')
    .columns(['flow_id', 'state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('records_flow_source')
    .on('records')
    .columns(['flow_id', 'source_id'])
    .execute();
  await db.schema.createIndex('records_created').on('records').column('created_at').execute();

  await db.schema
    .createTable('links')
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('links_pk', ['pair_id', 'flow_id', 'entity', 'source_id'])
    .execute();

  await db.schema
    .createTable('write_ahead')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('natural_key', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('write_ahead_flow_state')
    .on('write_ahead')
    .columns(['flow_id', 'state'])
    .execute();
  await db.schema
    .createIndex('write_ahead_key')
    .on('write_ahead')
    .columns(['flow_id', 'natural_key'])
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pair_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('mapping_version', 'integer')
    .addColumn('error_code', 'text', (c) => c.notNull())
    .addColumn('error_kind', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_replay_run_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dead_letters_flow_state')
    .on('dead_letters')
    .columns(['flow_id', 'state', 'created_at'])
    .execute();

  await db.schema
    .createTable('cursors')
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cursors_pk', ['flow_id', 'stream'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('pair_id', 'text')
    .addColumn('flow_id', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .execute();
  await db.schema.createIndex('events_created').on('events').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['events', 'cursors', 'dead_letters', 'write_ahead', 'links', 'records', 'runs']) {
    await db.schema.dropTable(t).execute();
  }
}
