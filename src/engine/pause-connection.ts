import type { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import type { EngineDeps } from './deps.js';

/**
 * A lost authorization pauses only the connection it belongs to, and raises an alert event that
 * says what happened and where to fix it.
 */
export async function pauseConnection(
  deps: EngineDeps,
  connectionId: string,
  error: KoppelError,
  where: { pairId: string; flowId: string | null; runId: string | null },
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const reason = deps.secrets.scrub(error.message);
  await deps.store.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('connections')
      .set({ status: 'paused', paused_reason: reason, paused_at: at, updated_at: at })
      .where('id', '=', connectionId)
      .where('status', '!=', 'paused')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return;
    await insertEvent(trx, {
      id: newId('evt'),
      type: 'connection.paused',
      severity: 'error',
      pair_id: where.pairId,
      flow_id: where.flowId,
      connection_id: connectionId,
      run_id: where.runId,
      message: `Connection ${connectionId} lost its authorization and is paused (${reason}). Authorize it again to resume its flows.`,
      details: JSON.stringify({ code: error.code }),
      created_at: at,
      acknowledged_at: null,
    });
  });
  deps.logger.error({ connection: connectionId, code: error.code }, 'connection paused');
}

/** Resume a paused connection (after a new authorization). */
export async function resumeConnection(deps: EngineDeps, connectionId: string): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const res = await deps.store.db
    .updateTable('connections')
    .set({ status: 'active', paused_reason: null, paused_at: null, updated_at: at })
    .where('id', '=', connectionId)
    .where('status', '=', 'paused')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
