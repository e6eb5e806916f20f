import type { Kysely } from 'kysely';
import { readCursor } from '../store/repos/cursors.js';
import type { Database } from '../store/schema.js';

/**
 * The latest run of the flow's cursor in one of `states` (runs of named records, replays and
 * webhooks' documents, leave the cursor, and so a backfill, be).
 */
async function latestCursorRun(
  db: Kysely<Database>,
  flowId: string,
  states: readonly string[],
): Promise<{ state: string; scope: string } | undefined> {
  return db
    .selectFrom('runs')
    .select(['state', 'scope'])
    .where('flow_id', '=', flowId)
    .where('scope', '!=', 'records')
    .where('state', 'in', [...states])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Runs that end a backfill (read to the end) or leave it to a continuation (yielded). */
const endedOnTheirOwn = ['succeeded', 'partial', 'yielded'] as const;

/**
 * Whether the flow is in the middle of a backfill that gave its worker up: its latest run that
 * ended on its own yielded. A failed or cancelled run in between leaves the backfill where it was;
 * a run that read to the end (succeeded, partial) finishes it.
 */
export async function backfillUnderWay(db: Kysely<Database>, flowId: string): Promise<boolean> {
  return (await latestCursorRun(db, flowId, endedOnTheirOwn))?.state === 'yielded';
}

/** Whether the flow's next run reads as a backfill: from an empty cursor, or going on with one. */
export async function nextRunIsBackfill(db: Kysely<Database>, flowId: string): Promise<boolean> {
  return (await readCursor(db, flowId)) === null || (await backfillUnderWay(db, flowId));
}

/**
 * Whether the flow's cursor (`cursor`, as read by the caller) is in a backfill now: the flow never
 * read, a backfill run is going (its first run has stored pages, so the cursor is set, but it has
 * not read to the end), or one yielded and its continuation waits.
 */
export async function backfillInProgress(
  db: Kysely<Database>,
  flowId: string,
  cursor: string | null,
): Promise<boolean> {
  if (cursor === null) return true;
  const last = await latestCursorRun(db, flowId, ['running', ...endedOnTheirOwn]);
  return last?.state === 'yielded' || (last?.state === 'running' && last.scope === 'backfill');
}
