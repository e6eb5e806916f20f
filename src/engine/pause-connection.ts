import type { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import { authorizeHint } from './connection-readiness.js';
import type { EngineDeps } from './deps.js';

/**
 * The one sentence a paused connection shows: what the provider refused and what to do, e.g.
 * "Exact Online refused the refresh token (unauthorized_client: Old refresh token used);
 * authorize again with `koppel connect acme-exact` or POST /api/connections/acme-exact/authorize".
 */
export function pauseReason(connectionId: string, error: KoppelError): string {
  const why = typeof error.details?.why === 'string' ? error.details.why : error.message;
  return `${why.trim().replace(/\.$/, '')}; ${authorizeHint(connectionId).replace('authorize it', 'authorize again')}`;
}

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
  const reason = deps.secrets.scrub(pauseReason(connectionId, error));
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
      message: `Connection ${connectionId} lost its authorization and is paused: ${reason}.`,
      details: JSON.stringify({ code: error.code }),
      created_at: at,
      acknowledged_at: null,
    });
  });
  deps.logger.error({ connection: connectionId, code: error.code }, 'connection paused');
}
