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
  status: string;
  paused_reason: string | null;
  paused_at: string | null;
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
  state: string;
  replay_count: number;
  last_replay_run_id: string | null;
  created_at: string;
  updated_at: string;
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
  /** BudgetState (src/connectors/kit/api-budget.ts) as JSON. */
  state: string;
  version: number;
  updated_at: string;
}
