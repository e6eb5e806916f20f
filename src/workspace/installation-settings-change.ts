import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { stableStringify } from '../core/json.js';
import {
  defaultSettingValues,
  readInstallationSettings,
  settingValues,
} from '../engine/installation-settings.js';
import { deleteSetting, getSetting, putSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';
import { formatPath, requiredMessage, sortErrors, type WorkspaceError } from './workspace-errors.js';
import {
  installationSettingsSchema,
  workspaceSettingKeys,
  type WorkspaceSettingKey,
} from './workspace-schema.js';

type Defaults = { payloadRetentionDays: number; metadataRetentionDays: number };

export const settingDescriptions: Record<WorkspaceSettingKey, string> = {
  retention:
    'Days stored payloads (`payloadDays`) and run and record metadata (`metadataDays`) are kept; payloads never longer than metadata',
  redaction:
    'Field names (any depth, any case) kept out of stored payloads; `email`, `phone`, `iban`, `name` and `address` also stand for each app’s own names for them',
  apiBudgetReserve:
    "What backfills leave of every Exact division's API budget for live work: `dayShare` of the day, `minuteCalls` of every minute",
  deadLetters:
    'Open dead letters: days before the payload retention their owner is told (`payloadWarningDays`), and automatic retries of transient ones (`autoRetry`: `enabled`, `firstDelayMinutes`, doubling up to `maxDelayMinutes`, for `giveUpAfterHours`; UNCONFIRMED defaults)',
  reconcile:
    'The daily reconciliation of every flow that can reconcile: `enabled`, when (`schedule`, a UTC cron) and how many days before today it compares (`days`); each report is stored',
};

export interface SettingView {
  key: WorkspaceSettingKey;
  description: string;
  /** What is stored (as a workspace file or the API set it); null: the default applies. */
  value: unknown;
  /** What is in effect: the stored value with the defaults filled in. */
  effective: unknown;
  default: unknown;
  updatedAt: string | null;
}

/** Every installation setting: stored, in effect, and its default. */
export async function installationSettingsView(
  db: Kysely<Database>,
  defaults: Defaults,
): Promise<SettingView[]> {
  const effective = settingValues(await readInstallationSettings(db, defaults));
  const fallback = defaultSettingValues(defaults);
  const views: SettingView[] = [];
  for (const key of workspaceSettingKeys) {
    const stored = await getSetting(db, key);
    views.push({
      key,
      description: settingDescriptions[key],
      value: stored?.value ?? null,
      effective: effective[key],
      default: fallback[key],
      updatedAt: stored?.updatedAt ?? null,
    });
  }
  return views;
}

export interface SettingsChange {
  /** Keys whose stored value changed (null in the request: back to the default). */
  changed: Array<{ key: WorkspaceSettingKey; value: unknown }>;
  unchanged: WorkspaceSettingKey[];
}

/**
 * Set (or, with null, reset to the default) installation settings, checked with the schemas a
 * workspace file's `settings` is checked with; an invalid request changes nothing and names every
 * problem at its place (`retention.payloadDays: …`).
 */
export async function changeInstallationSettings(
  db: Kysely<Database>,
  clock: Clock,
  changes: Record<string, unknown>,
): Promise<SettingsChange> {
  const errors: WorkspaceError[] = [];
  const known = new Set<string>(workspaceSettingKeys);
  for (const key of Object.keys(changes))
    if (!known.has(key))
      errors.push({
        path: formatPath([key]),
        reason: `is not a setting; settings are ${workspaceSettingKeys.join(', ')}`,
      });
  const values = Object.fromEntries(
    Object.entries(changes).filter(([key, value]) => known.has(key) && value !== null),
  );
  const parsed = installationSettingsSchema.safeParse(values, { error: requiredMessage });
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors.push({ path: formatPath(issue.path), reason: issue.message });
  if (errors.length > 0 || !parsed.success)
    throw new KoppelError(
      `Settings have ${errors.length === 1 ? '1 problem' : `${errors.length} problems`}: ${sortErrors(errors)
        .map((e) => `${e.path}: ${e.reason}`)
        .join('; ')}`,
      { code: 'settings.invalid', kind: 'invalid', details: { errors: sortErrors(errors) } },
    );
  const valid = parsed.data as Record<string, unknown>;
  const at = clock.now().toISOString();
  return db.transaction().execute(async (trx) => {
    const result: SettingsChange = { changed: [], unchanged: [] };
    for (const key of workspaceSettingKeys) {
      if (!Object.hasOwn(changes, key)) continue;
      const existing = await getSetting(trx, key);
      if (changes[key] === null) {
        if (await deleteSetting(trx, key)) result.changed.push({ key, value: null });
        else result.unchanged.push(key);
      } else if (existing && stableStringify(existing.value) === stableStringify(valid[key])) {
        result.unchanged.push(key);
      } else {
        await putSetting(trx, key, valid[key], at);
        result.changed.push({ key, value: valid[key] });
      }
    }
    return result;
  });
}
