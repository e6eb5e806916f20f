import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { maskPersonalText } from '../../core/redaction.js';
import type { AlertTable, Database } from '../schema.js';

export type AlertRow = Selectable<AlertTable>;

/** Opens an alert; answers false when the problem already has an open one (the unique index). */
export async function openAlert(db: Kysely<Database>, row: AlertRow): Promise<boolean> {
  const masked = { ...row, title: maskPersonalText(row.title), details: maskPersonalText(row.details) };
  const inserted = await db
    .insertInto('alerts')
    .values(masked)
    .onConflict((c) =>
      // The partial index's predicate, literally: SQLite matches the conflict target by its text.
      c
        .column('problem_key')
        .where(sql<boolean>`state = 'open'`)
        .doNothing(),
    )
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function openAlerts(db: Kysely<Database>): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll().where('state', '=', 'open').orderBy('id').execute();
}

export async function getAlert(db: Kysely<Database>, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface AlertFilter {
  state?: 'open' | 'resolved' | undefined;
  pairIds?: readonly string[] | undefined;
  acknowledged?: boolean | undefined;
  /** Only alerts older than this id (ids are time-ordered): the next page. */
  before?: string | undefined;
  limit?: number | undefined;
}

/** Newest first. */
export async function listAlerts(db: Kysely<Database>, f: AlertFilter = {}): Promise<AlertRow[]> {
  let q = db
    .selectFrom('alerts')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.pairIds) q = q.where('pair_id', 'in', f.pairIds.length ? [...f.pairIds] : ['']);
  if (f.acknowledged !== undefined) q = q.where('acknowledged_at', f.acknowledged ? 'is not' : 'is', null);
  if (f.before) q = q.where('id', '<', f.before);
  return q.execute();
}

/** Changes an alert only while it is in `expectState`; answers whether it did. */
export async function updateAlert(
  db: Kysely<Database>,
  id: string,
  expectState: 'open' | 'resolved',
  change: Updateable<AlertTable>,
): Promise<boolean> {
  const masked = { ...change };
  if (masked.title !== undefined) masked.title = maskPersonalText(String(masked.title));
  if (masked.details !== undefined) masked.details = maskPersonalText(String(masked.details));
  const r = await db
    .updateTable('alerts')
    .set(masked)
    .where('id', '=', id)
    .where('state', '=', expectState)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks an alert seen; one acknowledged before keeps its first time. Answers whether it changed. */
export async function acknowledgeAlert(
  db: Kysely<Database>,
  id: string,
  at: string,
  by: string,
): Promise<boolean> {
  const r = await db
    .updateTable('alerts')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes alerts resolved before `cutoff` (the metadata retention); open ones stay. Answers how many. */
export async function purgeResolvedAlerts(db: Kysely<Database>, cutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('alerts')
    .where('state', '=', 'resolved')
    .where('resolved_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
