import type { ColumnType } from 'kysely';

/**
 * Row types of every table. Portable columns only, so one migration serves SQLite and Postgres:
 * ids and timestamps (ISO 8601, UTC) are text, JSON is text, booleans are 0/1 integers.
 */
export interface Database {
  pairs: PairTable;
  connections: ConnectionTable;
  flows: FlowTable;
  mappings: MappingTable;
  settings: SettingTable;
  runs: RunTable;
  records: RecordTable;
  links: LinkTable;
  write_ahead: WriteAheadTable;
  dead_letters: DeadLetterTable;
  cursors: CursorTable;
  events: EventTable;
  jobs: JobTable;
  leases: LeaseTable;
  api_budgets: ApiBudgetTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  one_time_links: OneTimeLinkTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  oauth_states: OAuthStateTable;
  webhook_receipts: WebhookReceiptTable;
  pair_memory: PairMemoryTable;
  alerts: AlertTable;
  notification_deliveries: NotificationDeliveryTable;
  reconcile_reports: ReconcileReportTable;
  workers: WorkerTable;
  webhook_keys: WebhookKeyTable;
}

export interface PairTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ConnectionTable {
  id: string;
  pair_id: string;
  app: string;
  name: string;
  settings: string;
  /** SecretBox ciphertext of a JSON object of credentials; never plaintext. */
  credentials: string | null;
  /** JSON object: credential field → environment variable it was applied from (never a value). */
  credential_refs: string;
  /** `active`, `paused` (authorization lost), `needs_authorization` or `needs_tenant`. */
  status: string;
  paused_reason: string | null;
  paused_at: string | null;
  /** When the current token pair came from an authorization (`koppel connect`, the API). */
  authorized_at: string | null;
  /** JSON object: credential field → SHA-256 of the value a workspace file last supplied. */
  applied_credential_hashes: string;
  /** Who authorized the current token pair, as the provider names them (e.g. Exact's FullName). */
  authorized_account: string | null;
  /** The name of the tenant (division, administration) in the settings, when known. */
  tenant_name: string | null;
  created_at: string;
  updated_at: string;
}

export interface FlowTable {
  id: string;
  pair_id: string;
  kind: string;
  source_connection_id: string;
  target_connection_id: string;
  enabled: number;
  schedule: string | null;
  priority: number;
  settings: string;
  /** The mapping version new runs use; null means the flow kind's default mapping. */
  mapping_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface MappingTable {
  flow_id: string;
  version: number;
  definition: string;
  created_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface RunTable {
  id: string;
  pair_id: string;
  flow_id: string;
  trigger: string;
  /** `backfill` or `cursor`: read from the flow's cursor; `records`: named records (RunScope). */
  scope: ColumnType<string, string | undefined, string>;
  state: string;
  job_id: string | null;
  counts: string;
  api_calls: string;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface RecordTable {
  id: string;
  run_id: string;
  pair_id: string;
  flow_id: string;
  entity: string;
  source_id: string;
  state: string;
  operation: string | null;
  mapping_version: number | null;
  target_id: string | null;
  natural_key: string | null;
  attempts: number;
  error_code: string | null;
  error_kind: string | null;
  error_message: string | null;
  /** Timeline step names and times (metadata retention). */
  timeline: string;
  /** Payload columns (payload retention; purged to null). */
  snapshot: string | null;
  payload: string | null;
  request: string | null;
  response: string | null;
  diff: string | null;
  payload_purged: number;
  /** How people know the record (`Exact sales invoice 26700012`), from the flow's `describe`. */
  label: string | null;
  /** Lower-case text a search matches: label, source and target ids, and the flow's search keys. */
  search_text: string | null;
  created_at: string;
  updated_at: string;
}

export interface LinkTable {
  pair_id: string;
  flow_id: string;
  entity: string;
  source_id: string;
  target_id: string;
  content_hash: string;
  created_at: string;
  updated_at: string;
}

export interface WriteAheadTable {
  id: string;
  pair_id: string;
  flow_id: string;
  entity: string;
  source_id: string;
  natural_key: string;
  content_hash: string;
  state: string;
  target_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeadLetterTable {
  id: string;
  pair_id: string;
  flow_id: string;
  entity: string;
  source_id: string;
  run_id: string;
  record_id: string;
  snapshot: string;
  mapping_version: number | null;
  error_code: string;
  error_kind: string;
  error_message: string;
  /** The error's structured context as JSON (e.g. the candidates of an ambiguous match); null without. */
  error_details: string | null;
  state: string;
  replay_count: number;
  last_replay_run_id: string | null;
  created_at: string;
  updated_at: string;
  /** When the event saying its payload would have expired was raised (once). */
  payload_warned_at: string | null;
  /** When its automatic retries gave up and said so (once). */
  retries_exhausted_at: string | null;
}

export interface CursorTable {
  flow_id: string;
  stream: string;
  value: string;
  updated_at: string;
}

export interface EventTable {
  id: string;
  type: string;
  severity: string;
  pair_id: string | null;
  flow_id: string | null;
  connection_id: string | null;
  run_id: string | null;
  message: string;
  details: string;
  created_at: string;
  acknowledged_at: string | null;
}

export interface JobTable {
  id: string;
  queue: string;
  name: string;
  payload: string;
  dedupe_key: string | null;
  /** Jobs sharing a lock key never run at the same time (e.g. one flow of one pair). */
  lock_key: string | null;
  state: string;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  /** Set when someone asked to cancel the job while it ran; its worker stops at the next heartbeat. */
  cancel_requested_at: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface LeaseTable {
  key: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
}

export interface ApiBudgetTable {
  key: string;
  app: string;
  client_id: string;
  division: string;
  /** The app's state as JSON: Exact's BudgetState (src/connectors/kit/api-budget.ts), Asperion's call window. */
  state: string;
  version: number;
  updated_at: string;
}

export interface UserTable {
  id: string;
  /** Lower case; unique. */
  email: string;
  name: string;
  /** `owner`, `operator` or `viewer`. */
  role: string;
  /** JSON array of the pair ids this user may see; null: every pair. */
  pair_scope: string | null;
  /** argon2id; null until the user has set a password through a one-time link. */
  password_hash: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
}

export interface SessionTable {
  /** SHA-256 of the cookie's value. */
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end of the session, whatever its use. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  /** SHA-256 of the token. */
  token_hash: string;
  role: string;
  pair_scope: string | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface OneTimeLinkTable {
  /** SHA-256 of the link's token. */
  id: string;
  /** `setup` (make the first owner), `password` (an invited or reset user sets a password), `signin`. */
  purpose: string;
  user_id: string | null;
  role: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LoginThrottleTable {
  /** `address:<ip>` or `account:<email>`. */
  key: string;
  failures: number;
  window_started_at: string;
  blocked_until: string | null;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  /** `user`, `token`, `cli` or `system`. */
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  /** `connection.authorize`, `flow.update`, `mapping.publish`, … */
  action: string;
  target_kind: string;
  target_id: string | null;
  pair_id: string | null;
  ip: string | null;
  /** JSON: what changed (never a secret). */
  details: string;
}

export interface OAuthStateTable {
  /** SHA-256 of the `state` value sent to the provider. */
  id: string;
  connection_id: string;
  user_id: string | null;
  actor_name: string;
  redirect_uri: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** `connected`, `needs_tenant` or `failed`, once the callback came. */
  outcome: string | null;
  outcome_message: string | null;
}

export interface WebhookReceiptTable {
  connection_id: string;
  /** SHA-256 of the delivery's body: the same delivery again is a repeat. */
  digest: string;
  received_at: string;
}

/** What a pair's flows remember across runs (src/engine/pair-memory.ts). */
export interface PairMemoryTable {
  pair_id: string;
  namespace: string;
  key: string;
  /** JSON. */
  value: string;
  updated_at: string;
}

/** One problem, open while it lasts (at most one open row per problem key), then resolved. */
export interface AlertTable {
  id: string;
  /** What makes two detections the same problem, e.g. `dead_letters:<flow>:<error code>`. */
  problem_key: string;
  kind: string;
  /** `info`, `warning` or `critical`. */
  severity: string;
  pair_id: string | null;
  flow_id: string | null;
  connection_id: string | null;
  /** `open` or `resolved`. */
  state: string;
  /** What happened, in one line. */
  title: string;
  /** JSON: the detected problem (documents, counts, why, where to fix it). */
  details: string;
  opened_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** When the last message about it (opened or digest) was queued. */
  last_notified_at: string | null;
  /** What the last message said (e.g. its count), so a digest goes out only when something changed. */
  notified_fingerprint: string | null;
  messages_sent: number;
}

/** A message to one recipient, waiting, sent or given up. */
export interface NotificationDeliveryTable {
  id: string;
  /** alert id, message sequence and recipient: the same message is never queued twice. */
  dedupe_key: string;
  alert_id: string | null;
  /** `opened`, `digest`, `resolved` or `test`. */
  message_kind: string;
  /** The recipient's name in the notification settings. */
  recipient: string;
  /** `email` or `webhook`. */
  channel: string;
  /** The e-mail address; null for a webhook, whose URL (it may hold a secret) is read from the settings when sent. */
  address: string | null;
  /** JSON: the NotificationMessage. */
  message: string;
  /** `pending`, `sent` or `failed` (retries gave up). */
  state: string;
  attempts: number;
  next_attempt_at: string;
  /** While one process sends it, others leave it alone until then. */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** One reconciliation of a flow's period, as the accountant signs it off. */
export interface ReconcileReportTable {
  id: string;
  flow_id: string;
  pair_id: string;
  /** `schedule`, `cli` or `api`. */
  trigger: string;
  period_from: string;
  period_to: string;
  started_at: string;
  finished_at: string | null;
  documents: number;
  differences: number;
  /** API calls the reconciliation made (both sides). */
  calls: number;
  /** JSON: the report as `koppel reconcile --format json` prints it. */
  report: string;
  error: string | null;
}

/** One running Koppel process (see migration 0013). */
export interface WorkerTable {
  /** The worker pool's id (host, pid, random suffix); a web process gets one of the same form. */
  id: string;
  host: string;
  pid: number;
  /** `all`, `web` or `worker`. */
  role: string;
  started_at: string;
  /** Refreshed every few seconds; older than 30 s means the process is gone. */
  last_seen_at: string;
  /** Jobs it runs at once; 0 for a web process. */
  concurrency: number;
  /** JSON array of the jobs it runs now: `{ jobId, name, flowId, since }`. */
  running: string;
}

/** A record id a webhook named for a flow, waiting for the run that takes it. */
export interface WebhookKeyTable {
  flow_id: string;
  source_id: string;
  received_at: string;
}
