import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, DeadLetterTable } from '../schema.js';
import type { Capabilities } from '../database.js';
import { bulkInsert } from './bulk-insert.js';

export type DeadLetterRow = Selectable<DeadLetterTable>;

export async function insertDeadLetters(
  db: Kysely<Database>,
  caps: Capabilities,
  rows: readonly DeadLetterRow[],
): Promise<void> {
  await bulkInsert(db, caps, 'dead_letters', rows);
}

export interface DeadLetterFilter {
  ids?: readonly string[] | undefined;
  flowId?: string | undefined;
  errorCode?: string | undefined;
  /** ISO timestamps, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  states?: readonly string[] | undefined;
  limit?: number | undefined;
}

export async function findDeadLetters(db: Kysely<Database>, f: DeadLetterFilter): Promise<DeadLetterRow[]> {
  let q = db.selectFrom('dead_letters').selectAll().orderBy('created_at').orderBy('id');
  if (f.ids && f.ids.length > 0) q = q.where('id', 'in', [...f.ids]);
  if (f.flowId) q = q.where('flow_id', '=', f.flowId);
  if (f.errorCode) q = q.where('error_code', '=', f.errorCode);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.states && f.states.length > 0) q = q.where('state', 'in', [...f.states]);
  if (f.limit) q = q.limit(f.limit);
  return q.execute();
}

export async function setDeadLetterState(
  db: Kysely<Database>,
  id: string,
  from: string,
  fields: Omit<Updateable<DeadLetterTable>, 'id'> & { state: string; updated_at: string },
): Promise<boolean> {
  const res = await db
    .updateTable('dead_letters')
    .set(fields)
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Open dead letters of records that have since gone through are superseded: replaying one would
 * send an older snapshot over newer data.
 */
export async function resolveSuperseded(
  db: Kysely<Database>,
  flowId: string,
  sourceIds: readonly string[],
  at: string,
): Promise<number> {
  let resolved = 0;
  for (let i = 0; i < sourceIds.length; i += 5_000) {
    const res = await db
      .updateTable('dead_letters')
      .set({ state: 'resolved', updated_at: at })
      .where('flow_id', '=', flowId)
      .where('state', '=', 'open')
      .where('source_id', 'in', sourceIds.slice(i, i + 5_000))
      .executeTakeFirst();
    resolved += Number(res.numUpdatedRows);
  }
  return resolved;
}

export interface DeadLetterListFilter {
  ids?: readonly string[] | undefined;
  /** Only these pairs (a caller's scope); undefined: every pair. */
  pairIds?: readonly string[] | undefined;
  pairId?: string | undefined;
  flowId?: string | undefined;
  errorCode?: string | undefined;
  /** ISO timestamps of parking, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  states?: readonly string[] | undefined;
  /** Only dead letters older than this one (ids are time-ordered), for the next page. */
  before?: string | undefined;
  limit?: number | undefined;
}

/**
 * Dead letters newest first, without their snapshots, each with the label of the record it was
 * parked from (how people know it; null once retention removed that record).
 */
export async function listDeadLetters(db: Kysely<Database>, f: DeadLetterListFilter) {
  let q = db
    .selectFrom('dead_letters as d')
    .leftJoin('records as r', 'r.id', 'd.record_id')
    .select([
      'd.id',
      'd.pair_id',
      'd.flow_id',
      'd.entity',
      'd.source_id',
      'd.run_id',
      'd.record_id',
      'd.mapping_version',
      'd.error_code',
      'd.error_kind',
      'd.error_message',
      'd.error_details',
      'd.state',
      'd.replay_count',
      'd.last_replay_run_id',
      'd.created_at',
      'd.updated_at',
      'r.label',
    ])
    .orderBy('d.id', 'desc');
  if (f.ids) q = q.where('d.id', 'in', f.ids.length > 0 ? [...f.ids] : ['']);
  if (f.pairIds) q = q.where('d.pair_id', 'in', f.pairIds.length > 0 ? [...f.pairIds] : ['']);
  if (f.pairId) q = q.where('d.pair_id', '=', f.pairId);
  if (f.flowId) q = q.where('d.flow_id', '=', f.flowId);
  if (f.errorCode) q = q.where('d.error_code', '=', f.errorCode);
  if (f.from) q = q.where('d.created_at', '>=', f.from);
  if (f.to) q = q.where('d.created_at', '<', f.to);
  if (f.states && f.states.length > 0) q = q.where('d.state', 'in', [...f.states]);
  if (f.before) q = q.where('d.id', '<', f.before);
  if (f.limit) q = q.limit(f.limit);
  return q.execute();
}

export type DeadLetterListRow = Awaited<ReturnType<typeof listDeadLetters>>[number];
