import { KoppelError } from '../core/errors.js';
import type { EngineDeps } from './deps.js';
import { readInstallationSettings } from './installation-settings.js';
import { reconcileFlow, type ReconcileReport } from './reconcile-flow.js';
import type { ReconcilePeriod } from './reconcile-types.js';

/** The job that reconciles one flow's recent days by itself. */
export const reconcileDailyJob = 'reconcile.daily';

/** The `days` UTC days before `now`'s, ending yesterday (documents are dated by day). */
export function recentDays(now: Date, days: number): ReconcilePeriod {
  const dayOf = (back: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back))
      .toISOString()
      .slice(0, 10);
  return { from: dayOf(days), to: dayOf(1) };
}

/** The daily job of one flow: its recent days reconciled and stored, as `schedule`. */
export async function reconcileDaily(
  deps: EngineDeps,
  flowId: string,
  signal: AbortSignal,
): Promise<ReconcileReport> {
  const { reconcile } = await readInstallationSettings(deps.store.db, deps.defaults);
  const period = recentDays(deps.clock.now(), reconcile.days);
  return reconcileFlow(deps, { flowId, trigger: 'schedule', ...period, signal });
}

export function parseReconcileDailyPayload(payload: unknown): { flowId: string } {
  const flowId = (payload as { flowId?: unknown } | null)?.flowId;
  if (typeof flowId !== 'string')
    throw new KoppelError(`A ${reconcileDailyJob} job needs { flowId }`, {
      code: 'engine.bad_job',
      kind: 'invalid',
    });
  return { flowId };
}
