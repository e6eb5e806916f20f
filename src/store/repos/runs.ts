import type { Insertable, Kysely, Selectable } from 'kysely';
import { maskPersonalText } from '../../core/redaction.js';
import type { Database, RunTable } from '../schema.js';

export type RunRow = Selectable<RunTable>;

export async function insertRun(db: Kysely<Database>, row: Insertable<RunTable>): Promise<void> {
  await db.insertInto('runs').values(row).execute();
}

export async function updateRun(
  db: Kysely<Database>,
  id: string,
  fields: Partial<Omit<RunRow, 'id'>>,
  expectState?: string,
): Promise<boolean> {
  // A run's error outlives the payload purge: no e-mail address or IBAN an answer echoed in it.
  const set = fields.error_message
    ? { ...fields, error_message: maskPersonalText(fields.error_message) }
    : fields;
  let q = db.updateTable('runs').set(set).where('id', '=', id);
  if (expectState) q = q.where('state', '=', expectState);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function getRun(db: Kysely<Database>, id: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RunFilter {
  flowId?: string | undefined;
  pairId?: string | undefined;
  /** Only runs of these pairs (a caller's pair scope). */
  pairIds?: readonly string[] | undefined;
  state?: string | undefined;
  trigger?: string | undefined;
  /** Only runs older than this run id (ids are time-ordered): the next page of a list. */
  before?: string | undefined;
  limit?: number | undefined;
}

/** Newest first (run ids are time-ordered). */
export async function listRuns(db: Kysely<Database>, filter: RunFilter = {}): Promise<RunRow[]> {
  let q = db
    .selectFrom('runs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 20);
  if (filter.flowId) q = q.where('flow_id', '=', filter.flowId);
  if (filter.pairId) q = q.where('pair_id', '=', filter.pairId);
  if (filter.pairIds) q = q.where('pair_id', 'in', filter.pairIds.length ? [...filter.pairIds] : ['']);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.trigger) q = q.where('trigger', '=', filter.trigger);
  if (filter.before) q = q.where('id', '<', filter.before);
  return q.execute();
}

/** Runs left `running` by a process that died; they are closed as failed on the next start. */
export async function failAbandonedRuns(db: Kysely<Database>, flowId: string, at: string): Promise<number> {
  const res = await db
    .updateTable('runs')
    .set({
      state: 'failed',
      error_code: 'engine.abandoned',
      error_message: 'The process running this run stopped',
      finished_at: at,
    })
    .where('flow_id', '=', flowId)
    .where('state', 'in', ['running', 'queued'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
