import { z } from 'zod';
import type { Kysely } from 'kysely';
import { KoppelError } from '../core/errors.js';
import type { Database } from '../store/schema.js';
import { validateCron } from '../queue/index.js';
import type { EngineDeps } from './deps.js';
import { reconcileFlow, type ReconcileReport } from './reconcile-flow.js';
import type { ReconcilePeriod } from './reconcile-types.js';

/** The job that reconciles one flow's recent days by itself. */
export const reconcileDailyJob = 'reconcile.daily';

/**
 * Installation setting `reconcile`: when the daily reconciliation runs and how many days back it
 * looks. Early morning, off the hour, after the night's runs and before people start booking.
 */
export interface ReconcileSchedule {
  enabled: boolean;
  schedule: string;
  /**
   * Days before today it compares, yesterday included. The orders kind reads a period in bulk (one
   * listing per side, whatever its length), so re-checking a week costs what yesterday alone would,
   * and catches a document someone changed in Asperion after it was checked.
   */
  days: number;
}

export const reconcileSettingsKey = 'reconcile';

export const defaultReconcileSchedule: ReconcileSchedule = { enabled: true, schedule: '23 5 * * *', days: 7 };

export const reconcileScheduleSchema = z
  .object({
    enabled: z.boolean(),
    schedule: z.string().refine((c) => validateCron(c) === null, 'not a cron expression'),
    days: z.number().int().min(1).max(62),
  })
  .partial()
  .strict();

/**
 * The stored setting over the defaults. A value that does not parse is ignored rather than stopping
 * the scheduler: the default still reconciles, and the setting's writer validated it anyway.
 */
export async function readReconcileSchedule(db: Kysely<Database>): Promise<ReconcileSchedule> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', reconcileSettingsKey)
    .executeTakeFirst();
  const parsed = reconcileScheduleSchema.safeParse(row ? (JSON.parse(row.value) as unknown) : {});
  const set = parsed.success ? parsed.data : {};
  const d = defaultReconcileSchedule;
  return {
    enabled: set.enabled ?? d.enabled,
    schedule: set.schedule ?? d.schedule,
    days: set.days ?? d.days,
  };
}

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
  const settings = await readReconcileSchedule(deps.store.db);
  const period = recentDays(deps.clock.now(), settings.days);
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
