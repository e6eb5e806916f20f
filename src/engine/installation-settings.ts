import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { defaultBudgetReserve, type BudgetReserve } from '../connectors/kit/api-budget.js';
import { expandRedaction } from '../core/redaction.js';
import type { FlowRegistry } from './types.js';

/** Installation-wide settings a workspace file may set; the configuration gives the defaults. */
export interface InstallationSettings {
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  /** Field names (any depth, case-insensitive) kept out of stored payloads. */
  redaction: string[];
  /** What backfill leaves for live work of every API budget (setting `apiBudgetReserve`). */
  apiBudgetReserve: BudgetReserve;
  /** Open dead letters: the payload warning and automatic retries (setting `deadLetters`). */
  deadLetters: DeadLetterSettings;
  /** The daily reconciliation of every flow that can reconcile (setting `reconcile`). */
  reconcile: ReconcileSchedule;
}

/**
 * When the daily reconciliation runs (UTC cron) and how many days before today it compares. Early
 * morning, off the hour, after the night's runs and before people start booking. Seven days: the
 * orders kind reads a period in bulk (one listing per side, whatever its length), so re-checking a
 * week costs what yesterday alone would and catches a document someone changed after its check.
 */
export interface ReconcileSchedule {
  enabled: boolean;
  schedule: string;
  days: number;
}

export const defaultReconcileSchedule: ReconcileSchedule = { enabled: true, schedule: '23 5 * * *', days: 7 };

export interface DeadLetterSettings {
  /** Days before the payload retention an open dead letter's owner is told it is still open. */
  payloadWarningDays: number;
  autoRetry: AutoRetrySettings;
}

/**
 * Automatic retries of dead letters whose error is transient or a rate limit. The public record
 * says nothing about how long Exact Online or Asperion outages last, so these are UNCONFIRMED
 * defaults: a first retry after minutes, doubling up to a few hours, for three days.
 */
export interface AutoRetrySettings {
  enabled: boolean;
  firstDelayMinutes: number;
  maxDelayMinutes: number;
  giveUpAfterHours: number;
}

export const defaultDeadLetterSettings: DeadLetterSettings = {
  payloadWarningDays: 3,
  autoRetry: { enabled: true, firstDelayMinutes: 5, maxDelayMinutes: 240, giveUpAfterHours: 72 },
};

const deadLettersSchema = z.object({
  payloadWarningDays: z.number().int().min(0).optional(),
  autoRetry: z
    .object({
      enabled: z.boolean(),
      firstDelayMinutes: z.number().int().positive(),
      maxDelayMinutes: z.number().int().positive(),
      giveUpAfterHours: z.number().int().positive(),
    })
    .partial()
    .optional(),
});

const reconcileSchema = z
  .object({ enabled: z.boolean(), schedule: z.string().min(1), days: z.number().int().min(1).max(62) })
  .partial();

const retentionSchema = z
  .object({ payloadDays: z.number().int().positive(), metadataDays: z.number().int().positive() })
  .partial();
const redactionSchema = z.array(z.string());
const reserveSchema = z
  .object({ dayShare: z.number().min(0).max(0.9), minuteCalls: z.number().int().min(0) })
  .partial();

export async function readInstallationSettings(
  db: Kysely<Database>,
  defaults: { payloadRetentionDays: number; metadataRetentionDays: number },
): Promise<InstallationSettings> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', ['retention', 'redaction', 'apiBudgetReserve', 'deadLetters', 'reconcile'])
    .execute();
  const byKey = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const retention = retentionSchema.safeParse(byKey.get('retention') ?? {});
  const redaction = redactionSchema.safeParse(byKey.get('redaction') ?? []);
  const reserve = reserveSchema.safeParse(byKey.get('apiBudgetReserve') ?? {});
  const dead = deadLettersSchema.safeParse(byKey.get('deadLetters') ?? {});
  const reconcile = reconcileSchema.safeParse(byKey.get('reconcile') ?? {});
  const r = reconcile.success ? reconcile.data : {};
  return {
    payloadRetentionDays:
      (retention.success ? retention.data.payloadDays : undefined) ?? defaults.payloadRetentionDays,
    metadataRetentionDays:
      (retention.success ? retention.data.metadataDays : undefined) ?? defaults.metadataRetentionDays,
    redaction: redaction.success ? redaction.data : [],
    apiBudgetReserve: {
      dayShare: (reserve.success ? reserve.data.dayShare : undefined) ?? defaultBudgetReserve.dayShare,
      minuteCalls:
        (reserve.success ? reserve.data.minuteCalls : undefined) ?? defaultBudgetReserve.minuteCalls,
    },
    deadLetters: {
      payloadWarningDays:
        (dead.success ? dead.data.payloadWarningDays : undefined) ??
        defaultDeadLetterSettings.payloadWarningDays,
      autoRetry: {
        ...defaultDeadLetterSettings.autoRetry,
        ...Object.fromEntries(
          Object.entries((dead.success ? dead.data.autoRetry : undefined) ?? {}).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      },
    },
    reconcile: {
      enabled: r.enabled ?? defaultReconcileSchedule.enabled,
      schedule: r.schedule ?? defaultReconcileSchedule.schedule,
      days: r.days ?? defaultReconcileSchedule.days,
    },
  };
}

/** Installation settings by the key they are stored under, as a workspace file writes them. */
export interface SettingValues {
  retention: { payloadDays: number; metadataDays: number };
  redaction: string[];
  apiBudgetReserve: BudgetReserve;
  deadLetters: DeadLetterSettings;
  reconcile: ReconcileSchedule;
}

/** What each setting is in effect, in the shape of its key (defaults filled in). */
export function settingValues(settings: InstallationSettings): SettingValues {
  return {
    retention: { payloadDays: settings.payloadRetentionDays, metadataDays: settings.metadataRetentionDays },
    redaction: settings.redaction,
    apiBudgetReserve: settings.apiBudgetReserve,
    deadLetters: settings.deadLetters,
    reconcile: settings.reconcile,
  };
}

/** What each setting is when nothing is stored: the configuration's retention, no redaction. */
export function defaultSettingValues(defaults: {
  payloadRetentionDays: number;
  metadataRetentionDays: number;
}): SettingValues {
  return {
    retention: { payloadDays: defaults.payloadRetentionDays, metadataDays: defaults.metadataRetentionDays },
    redaction: [],
    apiBudgetReserve: { ...defaultBudgetReserve },
    deadLetters: {
      ...defaultDeadLetterSettings,
      autoRetry: { ...defaultDeadLetterSettings.autoRetry },
    },
    reconcile: { ...defaultReconcileSchedule },
  };
}

/**
 * The field names (lower case) the installation's redaction list masks in stored payloads: each
 * name as written and, for a canonical name (`email`, `iban`, …), every known app's name for it.
 */
export function redactedFieldNames(settings: InstallationSettings, registry: FlowRegistry): Set<string> {
  return expandRedaction(
    settings.redaction,
    [...registry.apps.values()].map((a) => a.redactionAliases),
  );
}
