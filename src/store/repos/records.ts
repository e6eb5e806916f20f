import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
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
  pairId?: string | undefined;
  /** Only records of these pairs (a caller's pair scope). */
  pairIds?: readonly string[] | undefined;
  runId?: string | undefined;
  sourceId?: string | undefined;
  states?: readonly string[] | undefined;
  errorCode?: string | undefined;
  /** A case-insensitive part of the error's code or message: what a person remembers of a failure. */
  errorText?: string | undefined;
  /** ISO timestamps: from inclusive, to exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /**
   * Text people know a record by (an invoice number, a customer's e-mail, an article code, a
   * source or target id): a case-insensitive part of its search text, or its source or target id.
   */
  search?: string | undefined;
  /** Only records older than this record id (ids are time-ordered): the next page of a list. */
  before?: string | undefined;
  limit?: number | undefined;
}

/** `%` and `_` in what people type are letters, not wildcards. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest first (record ids are time-ordered); metadata columns only, no payloads. */
export async function listRecords(db: Kysely<Database>, filter: RecordFilter) {
  let q = db
    .selectFrom('records')
    .select([
      'id',
      'run_id',
      'pair_id',
      'flow_id',
      'entity',
      'source_id',
      'label',
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
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50);
  if (filter.flowId) q = q.where('flow_id', '=', filter.flowId);
  if (filter.pairId) q = q.where('pair_id', '=', filter.pairId);
  if (filter.pairIds) q = q.where('pair_id', 'in', filter.pairIds.length ? [...filter.pairIds] : ['']);
  if (filter.runId) q = q.where('run_id', '=', filter.runId);
  if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
  if (filter.states && filter.states.length > 0) q = q.where('state', 'in', [...filter.states]);
  if (filter.errorCode) q = q.where('error_code', '=', filter.errorCode);
  if (filter.from) q = q.where('created_at', '>=', filter.from);
  if (filter.to) q = q.where('created_at', '<', filter.to);
  if (filter.before) q = q.where('id', '<', filter.before);
  const errorText = filter.errorText?.trim();
  if (errorText) {
    const pattern = containsPattern(errorText);
    q = q.where((eb) =>
      eb.or([
        sql<SqlBool>`lower(${sql.ref('error_code')}) like ${pattern} escape '\\'`,
        sql<SqlBool>`lower(${sql.ref('error_message')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  const search = filter.search?.trim();
  if (search) {
    const pattern = containsPattern(search);
    // Lower case on both sides: Postgres' LIKE minds case; search_text is stored in lower case.
    q = q.where((eb) =>
      eb.or([
        sql<SqlBool>`${sql.ref('search_text')} like ${pattern} escape '\\'`,
        eb('source_id', '=', search),
        eb('target_id', '=', search),
      ]),
    );
  }
  return q.execute();
}

/** Each source id's newest record in a flow (metadata only), read a few hundred ids a query. */
export async function latestRecordsOf(db: Kysely<Database>, flowId: string, sourceIds: readonly string[]) {
  const latest = new Map<
    string,
    Pick<RecordRow, 'id' | 'source_id' | 'state' | 'target_id' | 'error_code' | 'error_message'>
  >();
  const ids = [...new Set(sourceIds)];
  for (let at = 0; at < ids.length; at += 500) {
    const rows = await db
      .selectFrom('records')
      .select(['id', 'source_id', 'state', 'target_id', 'error_code', 'error_message'])
      .where('flow_id', '=', flowId)
      .where('source_id', 'in', ids.slice(at, at + 500))
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) if (!latest.has(row.source_id)) latest.set(row.source_id, row);
  }
  return latest;
}
