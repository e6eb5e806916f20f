import type { Kysely, Selectable } from 'kysely';
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
  fields: { state: string; updated_at: string; last_replay_run_id?: string; replay_count?: number },
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
