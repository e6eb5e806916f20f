import { toKoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { insertEvent } from '../store/repos/events.js';
import { CallCounter, connectorContext } from './connector-context.js';
import type { EngineDeps } from './deps.js';
import { activeConnectionsOfApps } from './flow-connections-active.js';
import { pauseConnection } from './pause-connection.js';

export interface KeepAliveResult {
  checked: number;
  refreshed: string[];
  paused: string[];
  failed: string[];
}

/**
 * Renew the stored credentials of every active connection whose app declares a keep-alive and
 * whose credentials were last renewed more than `idleDays` ago, so an idle connection's refresh
 * token never expires unused. A grant already gone pauses the connection for a new authorization,
 * as a run would; any other failure is recorded and tried again on the next day's run.
 */
export async function keepConnectionsAlive(
  deps: EngineDeps,
  idleDays: number,
  signal: AbortSignal = new AbortController().signal,
): Promise<KeepAliveResult> {
  const result: KeepAliveResult = { checked: 0, refreshed: [], paused: [], failed: [] };
  // A connection waiting for its tenant holds a grant that dies unused all the same.
  const rows = await activeConnectionsOfApps(deps, (a) => a.keepAlive !== undefined, [
    'active',
    'needs_tenant',
  ]);
  for (const row of rows) {
    if (signal.aborted) break;
    const keepAlive = deps.registry.apps.get(row.app)?.keepAlive;
    if (!keepAlive) continue;
    result.checked++;
    const ctx = connectorContext(deps, row, new CallCounter(), signal);
    const event = (type: string, severity: string, message: string, details: Record<string, unknown>) =>
      insertEvent(deps.store.db, {
        id: newId('evt'),
        type,
        severity,
        pair_id: row.pair_id,
        flow_id: null,
        connection_id: row.id,
        run_id: null,
        message: deps.secrets.scrub(message),
        details: JSON.stringify(details),
        created_at: deps.clock.now().toISOString(),
        acknowledged_at: null,
      });
    try {
      if (!(await keepAlive.refreshIfIdle(ctx, idleDays * 86_400_000))) continue;
      result.refreshed.push(row.id);
      await event(
        'connection.kept_alive',
        'info',
        `Connection ${row.id} was idle for more than ${idleDays} days; its authorization was renewed so it does not expire.`,
        { idleDays },
      );
    } catch (e) {
      const error = toKoppelError(e);
      if (error.kind === 'auth') {
        result.paused.push(row.id);
        await pauseConnection(deps, row.id, error, { pairId: row.pair_id, flowId: null, runId: null });
        continue;
      }
      result.failed.push(row.id);
      await event(
        'connection.keep_alive_failed',
        'warning',
        `Renewing the authorization of idle connection ${row.id} failed (${error.message}); the next daily run tries again.`,
        { code: error.code, kind: error.kind },
      );
    }
  }
  return result;
}
