import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../schema.js';

export type AuditRow = Selectable<AuditLogTable>;

export async function insertAudit(db: Kysely<Database>, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditFilter {
  pairIds?: readonly string[] | undefined;
  targetKind?: string | undefined;
  targetId?: string | undefined;
  actorId?: string | undefined;
  /** Entries strictly older than this id (time-ordered), for the next page. */
  before?: string | undefined;
  limit?: number | undefined;
}

/** Newest first. */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter = {}): Promise<AuditRow[]> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.pairIds) q = q.where('pair_id', 'in', filter.pairIds.length ? [...filter.pairIds] : ['']);
  if (filter.targetKind) q = q.where('target_kind', '=', filter.targetKind);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  if (filter.before) q = q.where('id', '<', filter.before);
  return q.execute();
}
