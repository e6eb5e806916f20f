import type { Kysely, Selectable } from 'kysely';
import { maskPersonalText } from '../../core/redaction.js';
import type { Database, EventTable } from '../schema.js';

export type EventRow = Selectable<EventTable>;

export async function insertEvent(db: Kysely<Database>, row: EventRow): Promise<void> {
  // Events are kept past the payload purge: the e-mail addresses and IBANs a message quotes are masked.
  const masked = { ...row, message: maskPersonalText(row.message), details: maskPersonalText(row.details) };
  await db.insertInto('events').values(masked).execute();
}

export interface EventFilter {
  limit?: number | undefined;
  type?: string | undefined;
  severity?: string | undefined;
  pairId?: string | undefined;
  /** Only events of these pairs (a caller's pair scope); installation-wide events are left out. */
  pairIds?: readonly string[] | undefined;
  /** true: only acknowledged ones; false: only those still waiting for someone. */
  acknowledged?: boolean | undefined;
  /** Only events older than this event id (ids are time-ordered): the next page of a list. */
  before?: string | undefined;
}

/** Newest first (event ids are time-ordered). */
export async function listEvents(db: Kysely<Database>, options: EventFilter = {}): Promise<EventRow[]> {
  let q = db
    .selectFrom('events')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50);
  if (options.type) q = q.where('type', '=', options.type);
  if (options.severity) q = q.where('severity', '=', options.severity);
  if (options.pairId) q = q.where('pair_id', '=', options.pairId);
  if (options.pairIds) q = q.where('pair_id', 'in', options.pairIds.length ? [...options.pairIds] : ['']);
  if (options.acknowledged !== undefined)
    q = q.where('acknowledged_at', options.acknowledged ? 'is not' : 'is', null);
  if (options.before) q = q.where('id', '<', options.before);
  return q.execute();
}

export async function getEvents(db: Kysely<Database>, ids: readonly string[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('events')
    .selectAll()
    .where('id', 'in', [...ids])
    .orderBy('id', 'desc')
    .execute();
}

/** Mark events seen; one acknowledged before keeps its first time. Answers the ids newly acknowledged. */
export async function acknowledgeEvents(
  db: Kysely<Database>,
  ids: readonly string[],
  at: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('events')
    .set({ acknowledged_at: at })
    .where('id', 'in', [...ids])
    .where('acknowledged_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
