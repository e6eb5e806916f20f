import { sql, type Kysely } from 'kysely';
import type { DialectName, Store } from '../store/database.js';
import type { Database } from '../store/schema.js';

/** How many days the dashboard looks back, today included. */
export const dashboardDays = 30;

/** What a flow moved on one UTC day: documents created and updated in the target, and those that failed. */
export interface FlowDay {
  /** YYYY-MM-DD, UTC. */
  date: string;
  created: number;
  updated: number;
  /** Failed records, dead-lettered or not. */
  failed: number;
}

/** The UTC dates of the window, oldest first, ending with today's. */
export function windowDates(now: Date, days = dashboardDays): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** A number of a run's `counts` JSON (0 when absent), in each dialect's JSON syntax. */
function runCount(dialect: DialectName, key: 'created' | 'updated' | 'failed' | 'deadLettered') {
  return dialect === 'postgres'
    ? sql<number>`coalesce((counts::jsonb ->> ${sql.lit(key)})::integer, 0)`
    : sql<number>`coalesce(json_extract(counts, ${sql.lit(`$.${key}`)}), 0)`;
}

/**
 * Per flow, one entry per day of the window (days without runs are zeros). Summed by the database
 * from the counts each run keeps, grouped by flow and the day the run started: a run holds what
 * its records became, so the work grows with the runs in the window, not with the records.
 */
export async function flowDays(
  store: Pick<Store, 'db' | 'caps'>,
  flowIds: readonly string[],
  now: Date,
): Promise<Map<string, FlowDay[]>> {
  const dates = windowDates(now);
  const result = new Map<string, FlowDay[]>(
    flowIds.map((id) => [id, dates.map((date) => ({ date, created: 0, updated: 0, failed: 0 }))]),
  );
  if (flowIds.length === 0) return result;
  const dialect = store.caps.dialect;
  // Timestamps are ISO 8601 text in UTC on both dialects: the first ten characters are the day.
  const day = sql<string>`substr(created_at, 1, 10)`;
  const rows = await store.db
    .selectFrom('runs')
    .select((eb) => [
      'flow_id',
      day.as('day'),
      eb.fn.sum<number | string>(runCount(dialect, 'created')).as('created'),
      eb.fn.sum<number | string>(runCount(dialect, 'updated')).as('updated'),
      eb.fn.sum<number | string>(runCount(dialect, 'failed')).as('failed'),
      eb.fn.sum<number | string>(runCount(dialect, 'deadLettered')).as('dead_lettered'),
    ])
    .where('flow_id', 'in', [...flowIds])
    .where('created_at', '>=', `${dates[0]}T00:00:00.000Z`)
    .groupBy(['flow_id', day])
    .execute();
  const index = new Map(dates.map((d, i) => [d, i]));
  for (const r of rows) {
    const entry = result.get(r.flow_id)?.[index.get(r.day) ?? -1];
    if (!entry) continue;
    entry.created += Number(r.created);
    entry.updated += Number(r.updated);
    entry.failed += Number(r.failed) + Number(r.dead_lettered);
  }
  return result;
}

/** Per flow, how many of its runs in the window failed outright. */
export async function failedRuns(
  db: Kysely<Database>,
  flowIds: readonly string[],
  now: Date,
): Promise<Map<string, number>> {
  if (flowIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('runs')
    .select(['flow_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('flow_id', 'in', [...flowIds])
    .where('created_at', '>=', `${windowDates(now)[0]}T00:00:00.000Z`)
    .where('state', '=', 'failed')
    .groupBy('flow_id')
    .execute();
  return new Map(rows.map((r) => [r.flow_id, Number(r.n)]));
}
