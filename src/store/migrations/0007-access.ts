import type { Kysely } from 'kysely';

/**
 * Who may use Koppel and how connections are authorized: users, browser sessions, API tokens,
 * one-time links (first setup, invitations, the demo's sign-in), login throttling, the audit log,
 * OAuth `state` values, and the seen-set of webhook deliveries. Secrets that grant access
 * (session cookies, API tokens, links, OAuth states) are stored only as SHA-256 hashes: they are
 * long random values, so a fast hash cannot be reversed, and a copy of the database opens nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    // JSON array of pair ids, or null: every pair.
    .addColumn('pair_scope', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('pair_scope', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('one_time_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('role', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'text', (c) => c.notNull())
    .addColumn('blocked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('pair_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('oauth_states')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    // What the callback made of it, so `koppel connect` can tell its user: connected, or why not.
    .addColumn('outcome', 'text')
    .addColumn('outcome_message', 'text')
    .execute();
  await db.schema.createIndex('oauth_states_connection').on('oauth_states').column('connection_id').execute();

  await db.schema
    .createTable('webhook_receipts')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_receipts_pk', ['connection_id', 'digest'])
    .execute();
  await db.schema
    .createIndex('webhook_receipts_received')
    .on('webhook_receipts')
    .column('received_at')
    .execute();

  // When the current token pair came from an authorization, and the SHA-256 of token values a
  // workspace file last supplied: re-applying the same file must not write them over rotated ones.
  await db.schema.alterTable('connections').addColumn('authorized_at', 'text').execute();
  await db.schema
    .alterTable('connections')
    .addColumn('applied_credential_hashes', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  // Who authorized it and the tenant's name, as the provider said at the last authorization or
  // tenant choice: shown with the connection without an API call.
  await db.schema.alterTable('connections').addColumn('authorized_account', 'text').execute();
  await db.schema.alterTable('connections').addColumn('tenant_name', 'text').execute();

  // How people know a record (invoice 26700012, an e-mail, an article code), and what they search by.
  await db.schema.alterTable('records').addColumn('label', 'text').execute();
  await db.schema.alterTable('records').addColumn('search_text', 'text').execute();

  await db.schema.alterTable('jobs').addColumn('cancel_requested_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('cancel_requested_at').execute();
  await db.schema.alterTable('records').dropColumn('search_text').execute();
  await db.schema.alterTable('records').dropColumn('label').execute();
  await db.schema.alterTable('connections').dropColumn('tenant_name').execute();
  await db.schema.alterTable('connections').dropColumn('authorized_account').execute();
  await db.schema.alterTable('connections').dropColumn('applied_credential_hashes').execute();
  await db.schema.alterTable('connections').dropColumn('authorized_at').execute();
  for (const table of [
    'webhook_receipts',
    'oauth_states',
    'audit_log',
    'login_throttle',
    'one_time_links',
    'api_tokens',
    'sessions',
    'users',
  ])
    await db.schema.dropTable(table).execute();
}
