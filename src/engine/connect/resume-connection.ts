import { KoppelError } from '../../core/errors.js';
import { updateConnection } from '../../store/repos/connections.js';
import { readinessOf, whyNotReady } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { appOf, connectionRow, credentialsOf, notAuthorized } from './connection-access.js';

/**
 * A paused connection back to work, when it still holds a token pair (a pause after a provider's
 * hiccup, or after the tokens were put right some other way): `active`, or `needs_tenant` without
 * a tenant. Without tokens it needs an authorization (which resumes it by itself). An active
 * connection is left as it is; one waiting for an authorization or a tenant is refused with what
 * it waits for.
 */
export async function resumeConnection(
  deps: EngineDeps,
  connectionId: string,
): Promise<{ resumed: boolean }> {
  const row = await connectionRow(deps, connectionId);
  const app = appOf(deps, row);
  if (row.status === 'active') return { resumed: false };
  if (row.status !== 'paused') {
    const why = whyNotReady({ id: row.id, status: row.status, pausedReason: row.paused_reason }, app);
    throw new KoppelError(`Connection ${connectionId} is not paused: ${why ?? row.status}`, {
      code: 'connection.not_paused',
      kind: 'conflict',
      details: { connectionId, status: row.status },
    });
  }
  const status = readinessOf(
    app,
    JSON.parse(row.settings) as Record<string, unknown>,
    credentialsOf(deps, row),
  );
  if (status === 'needs_authorization') throw notAuthorized(connectionId);
  const at = deps.clock.now().toISOString();
  const resumed = await updateConnection(
    deps.store.db,
    connectionId,
    { status, pausedReason: null, pausedAt: null },
    at,
    ['paused'],
  );
  return { resumed };
}
