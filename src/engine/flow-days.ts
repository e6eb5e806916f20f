import { sql, type Kysely } from 'kysely';
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

const movedStates = ['created', 'updated', 'failed', 'dead_lettered'] as const;

/**
 * Per flow, one entry per day of the window (days without records are zeros). Counted by the
 * database, grouped by flow, day and state: the (flow_id, state, created_at) index covers it, so
 * no record row is read, however many there are.
 */
export async function flowDays(
  db: Kysely<Database>,
  flowIds: readonly string[],
  now: Date,
): Promise<Map<string, FlowDay[]>> {
  const dates = windowDates(now);
  const result = new Map<string, FlowDay[]>(
    flowIds.map((id) => [id, dates.map((date) => ({ date, created: 0, updated: 0, failed: 0 }))]),
  );
  if (flowIds.length === 0) return result;
  // Timestamps are ISO 8601 text in UTC on both dialects: the first ten characters are the day.
  const day = sql<string>`substr(created_at, 1, 10)`;
  const rows = await db
    .selectFrom('records')
    .select(['flow_id', 'state', day.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('flow_id', 'in', [...flowIds])
    .where('state', 'in', [...movedStates])
    .where('created_at', '>=', `${dates[0]}T00:00:00.000Z`)
    .groupBy(['flow_id', 'state', day])
    .execute();
  const index = new Map(dates.map((d, i) => [d, i]));
  for (const r of rows) {
    const entry = result.get(r.flow_id)?.[index.get(r.day) ?? -1];
    if (!entry) continue;
    const n = Number(r.n);
    if (r.state === 'created') entry.created += n;
    else if (r.state === 'updated') entry.updated += n;
    else entry.failed += n;
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
