import type { Kysely } from 'kysely';
import { readCursor } from '../store/repos/cursors.js';
import type { Database } from '../store/schema.js';

/**
 * Whether the flow is in the middle of a backfill that gave its worker up: its latest run that
 * ended on its own yielded. A failed or cancelled run in between leaves the backfill where it was;
 * a run that read to the end (succeeded, partial) finishes it.
 */
export async function backfillUnderWay(db: Kysely<Database>, flowId: string): Promise<boolean> {
  const last = await db
    .selectFrom('runs')
    .select('state')
    .where('flow_id', '=', flowId)
    // Runs of named records (replays, webhooks' records) leave the cursor, and so the backfill, be.
    .where('scope', '!=', 'records')
    .where('state', 'in', ['succeeded', 'partial', 'yielded'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.state === 'yielded';
}

/** Whether the flow's next run reads as a backfill: from an empty cursor, or going on with one. */
export async function nextRunIsBackfill(db: Kysely<Database>, flowId: string): Promise<boolean> {
  return (await readCursor(db, flowId)) === null || (await backfillUnderWay(db, flowId));
}

/**
 * Whether the flow's cursor is in a backfill now: one is running (its first run has stored pages,
 * so the cursor is set, but it has not read to the end), or the next run from the cursor is one
 * (the flow never read, or a backfill yielded and its continuation waits).
 */
export async function backfillInProgress(db: Kysely<Database>, flowId: string): Promise<boolean> {
  const running = await db
    .selectFrom('runs')
    .select('id')
    .where('flow_id', '=', flowId)
    .where('scope', '=', 'backfill')
    .where('state', '=', 'running')
    .limit(1)
    .executeTakeFirst();
  return running !== undefined || (await nextRunIsBackfill(db, flowId));
}
