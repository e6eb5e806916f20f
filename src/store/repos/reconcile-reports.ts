import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, ReconcileReportTable } from '../schema.js';

export type ReconcileReportRow = Selectable<ReconcileReportTable>;

export async function insertReconcileReport(db: Kysely<Database>, row: ReconcileReportRow): Promise<void> {
  await db.insertInto('reconcile_reports').values(row).execute();
}

export async function updateReconcileReport(
  db: Kysely<Database>,
  id: string,
  change: Updateable<ReconcileReportTable>,
): Promise<void> {
  await db.updateTable('reconcile_reports').set(change).where('id', '=', id).execute();
}

export async function getReconcileReport(
  db: Kysely<Database>,
  id: string,
): Promise<ReconcileReportRow | undefined> {
  return db.selectFrom('reconcile_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; without the report bodies' size limit, callers page with `before`. */
export async function listReconcileReports(
  db: Kysely<Database>,
  f: { flowIds?: readonly string[]; before?: string; limit?: number } = {},
): Promise<ReconcileReportRow[]> {
  let q = db
    .selectFrom('reconcile_reports')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50);
  if (f.flowIds) q = q.where('flow_id', 'in', f.flowIds.length ? [...f.flowIds] : ['']);
  if (f.before) q = q.where('id', '<', f.before);
  return q.execute();
}

/**
 * The newest report of each flow that compared the books to the end, without its body (a caller
 * reads the few it needs): one that failed (an outage, a lost authorization) says nothing about
 * whether they agree, so it neither raises nor clears anything.
 */
export async function latestCompletedReconcileReports(
  db: Kysely<Database>,
): Promise<Array<Omit<ReconcileReportRow, 'report'>>> {
  const rows = await db
    .selectFrom('reconcile_reports')
    .select([
      'id',
      'flow_id',
      'pair_id',
      'trigger',
      'period_from',
      'period_to',
      'started_at',
      'finished_at',
      'documents',
      'differences',
      'calls',
      'error',
    ])
    .where('finished_at', 'is not', null)
    .where('error', 'is', null)
    .orderBy('flow_id')
    .orderBy('id', 'desc')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.flow_id) ? false : (seen.add(r.flow_id), true)));
}
