import type { Kysely } from 'kysely';
import { stableStringify } from '../core/json.js';
import type { SecretBox } from '../core/secret-box.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import { readNotificationSettings, writeNotificationSettings } from '../engine/notifications/settings.js';
import {
  notificationSettingsKey,
  notificationSettingsSchema,
  type NotificationSettings,
} from '../engine/notifications/types.js';
import { deleteSetting, getSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';
import type { ApplySummary } from './apply-summary.js';
import {
  notificationSourcesKey,
  readNotificationSources,
  writeNotificationSources,
  type NotificationSources,
} from './notification-sources.js';
import { envVariableOf, type Workspace, type WorkspaceNotifications } from './workspace-schema.js';

export interface NotificationsApply {
  trx: Kysely<Database>;
  box: SecretBox;
  secrets: SecretRegistry;
  env: Readonly<Record<string, string | undefined>>;
  summary: ApplySummary;
  at: string;
}

/**
 * The file's `notifications`, with its `${env:NAME}` references resolved, stored encrypted; the
 * variable names are kept beside them so export writes the references back. A file without
 * `notifications` leaves the stored ones alone, unless it prunes.
 */
export async function applyNotifications(workspace: Workspace, deps: NotificationsApply): Promise<void> {
  const { trx, summary } = deps;
  const changes = summary.changes.settings;
  const existing = await getSetting(trx, notificationSettingsKey);
  if (!workspace.notifications) {
    if (summary.prune && existing) {
      await deleteSetting(trx, notificationSettingsKey);
      await deleteSetting(trx, notificationSourcesKey);
      changes.deleted.push(notificationSettingsKey);
    }
    return;
  }
  const { settings, sources } = resolveNotifications(workspace.notifications, deps);
  const before = existing
    ? { settings: await readNotificationSettings(trx, deps.box), sources: await readNotificationSources(trx) }
    : null;
  if (before && stableStringify(before) === stableStringify({ settings, sources })) {
    changes.unchanged.push(notificationSettingsKey);
    return;
  }
  await writeNotificationSettings(trx, deps.box, settings, deps.at);
  await writeNotificationSources(trx, sources, deps.at);
  (existing ? changes.updated : changes.created).push(notificationSettingsKey);
}

function resolveNotifications(
  notifications: WorkspaceNotifications,
  deps: Pick<NotificationsApply, 'env' | 'secrets'>,
): { settings: NotificationSettings; sources: NotificationSources } {
  const sources: NotificationSources = {};
  // validateWorkspace checked that every variable named is set.
  const resolve = (value: string, recipient: string, field: 'url' | 'secret'): string => {
    const variable = envVariableOf(value);
    if (variable === null) return value;
    (sources[recipient] ??= {})[field] = variable;
    const resolved = deps.env[variable] ?? '';
    deps.secrets.add(resolved);
    return resolved;
  };
  const recipients = notifications.recipients.map((r) => {
    if (!r.webhook) return r;
    const { url, secret, format } = r.webhook;
    return {
      ...r,
      webhook: {
        url: resolve(url, r.name, 'url'),
        format,
        ...(secret ? { secret: resolve(secret, r.name, 'secret') } : {}),
      },
    };
  });
  return { settings: notificationSettingsSchema.parse({ ...notifications, recipients }), sources };
}
