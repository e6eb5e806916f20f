import type { Kysely } from 'kysely';
import { KoppelError } from '../core/errors.js';
import { getFlow } from '../store/repos/flows.js';
import { resetCursor } from '../store/repos/cursors.js';
import type { Database } from '../store/schema.js';

export interface ResetCursorResult {
  flowId: string;
  pairId: string;
  /** The cursors the flow had (by stream) and now does not; empty when it read from the start anyway. */
  cleared: Array<{ stream: string; value: string; updatedAt: string }>;
}

/**
 * Forget where a flow is in its source, so its next run reads from the start: `koppel cursor reset`
 * and `DELETE /api/flows/{id}/cursor`. Reading everything again duplicates nothing (links and
 * natural keys decide create or update) but spends API calls. A run that is going would save its
 * own cursor over the reset a moment later, so the reset waits until no run of the flow is open.
 */
export async function resetFlowCursor(db: Kysely<Database>, flowId: string): Promise<ResetCursorResult> {
  const flow = await getFlow(db, flowId);
  if (!flow) throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
  return db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('runs')
      .select('id')
      .where('flow_id', '=', flowId)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (open)
      throw new KoppelError(
        `Run ${open.id} of flow ${flowId} is going; reset the cursor once it has ended (or cancel it: koppel runs cancel ${open.id})`,
        { code: 'cursor.run_open', kind: 'conflict', details: { flowId, runId: open.id } },
      );
    const rows = await trx
      .selectFrom('cursors')
      .select(['stream', 'value', 'updated_at'])
      .where('flow_id', '=', flowId)
      .execute();
    await resetCursor(trx, flowId);
    return {
      flowId,
      pairId: flow.pairId,
      cleared: rows.map((r) => ({ stream: r.stream, value: r.value, updatedAt: r.updated_at })),
    };
  });
}
