import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { defaultBudgetReserve, type BudgetReserve } from '../connectors/kit/api-budget.js';

/** Installation-wide settings a workspace file may set; the configuration gives the defaults. */
export interface InstallationSettings {
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  /** Field names (any depth, case-insensitive) kept out of stored payloads. */
  redaction: string[];
  /** What backfill leaves for live work of every API budget (setting `apiBudgetReserve`). */
  apiBudgetReserve: BudgetReserve;
}

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
    .where('key', 'in', ['retention', 'redaction', 'apiBudgetReserve'])
    .execute();
  const byKey = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const retention = retentionSchema.safeParse(byKey.get('retention') ?? {});
  const redaction = redactionSchema.safeParse(byKey.get('redaction') ?? []);
  const reserve = reserveSchema.safeParse(byKey.get('apiBudgetReserve') ?? {});
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
  };
}

/** Installation settings by the key they are stored under, as a workspace file writes them. */
export interface SettingValues {
  retention: { payloadDays: number; metadataDays: number };
  redaction: string[];
  apiBudgetReserve: BudgetReserve;
}

/** What each setting is in effect, in the shape of its key (defaults filled in). */
export function settingValues(settings: InstallationSettings): SettingValues {
  return {
    retention: { payloadDays: settings.payloadRetentionDays, metadataDays: settings.metadataRetentionDays },
    redaction: settings.redaction,
    apiBudgetReserve: settings.apiBudgetReserve,
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
  };
}
