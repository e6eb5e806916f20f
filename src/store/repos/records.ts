import type { Kysely, Selectable } from 'kysely';
import type { Database, RecordTable } from '../schema.js';
import type { Capabilities } from '../database.js';
import { bulkInsert } from './bulk-insert.js';

export type RecordRow = Selectable<RecordTable>;

export async function insertRecords(
  db: Kysely<Database>,
  caps: Capabilities,
  rows: readonly RecordRow[],
): Promise<void> {
  await bulkInsert(db, caps, 'records', rows);
}

/** What a record search matches: its names in lower case, one per line, without repeats. */
export function searchText(names: ReadonlyArray<string | null | undefined>): string {
  const kept = new Set<string>();
  for (const name of names) {
    const text = name?.trim().toLowerCase();
    if (text) kept.add(text);
  }
  return [...kept].join('\n');
}

export async function getRecord(db: Kysely<Database>, id: string): Promise<RecordRow | undefined> {
  return db.selectFrom('records').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RecordFilter {
  flowId?: string | undefined;
  runId?: string | undefined;
  sourceId?: string | undefined;
  states?: readonly string[] | undefined;
  limit?: number | undefined;
}

/** Newest first; metadata columns only (no payloads) unless a single record is opened. */
export async function listRecords(db: Kysely<Database>, filter: RecordFilter) {
  let q = db
    .selectFrom('records')
    .select([
      'id',
      'run_id',
      'flow_id',
      'entity',
      'source_id',
      'state',
      'operation',
      'target_id',
      'attempts',
      'error_code',
      'error_kind',
      'error_message',
      'mapping_version',
      'timeline',
      'created_at',
    ])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50);
  if (filter.flowId) q = q.where('flow_id', '=', filter.flowId);
  if (filter.runId) q = q.where('run_id', '=', filter.runId);
  if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
  if (filter.states && filter.states.length > 0) q = q.where('state', 'in', [...filter.states]);
  return q.execute();
}
