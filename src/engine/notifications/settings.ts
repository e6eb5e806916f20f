import type { Kysely } from 'kysely';
import type { SecretBox } from '../../core/secret-box.js';
import type { Database } from '../../store/schema.js';
import { getSetting, putSetting } from '../../store/repos/settings.js';
import {
  notificationSettingsKey,
  notificationSettingsSchema,
  type NotificationRecipient,
  type NotificationSettings,
} from './types.js';

/**
 * Notification settings are stored under one settings key. A webhook's URL and signing secret are
 * stored encrypted: incoming-webhook URLs of Slack and Teams carry their own credential in the path.
 */

export const defaultNotificationSettings: NotificationSettings = notificationSettingsSchema.parse({});

/** The settings in effect, decrypted; the defaults (no recipients) when none are stored. */
export async function readNotificationSettings(
  db: Kysely<Database>,
  box: SecretBox,
): Promise<NotificationSettings> {
  const stored = await getSetting(db, notificationSettingsKey);
  if (!stored) return defaultNotificationSettings;
  const parsed = notificationSettingsSchema.safeParse(openSecrets(stored.value, box));
  return parsed.success ? parsed.data : defaultNotificationSettings;
}

export async function writeNotificationSettings(
  db: Kysely<Database>,
  box: SecretBox,
  settings: NotificationSettings,
  at: string,
): Promise<void> {
  const value = {
    ...settings,
    recipients: settings.recipients.map((r) =>
      r.webhook
        ? {
            ...r,
            webhook: {
              ...r.webhook,
              url: box.encrypt(r.webhook.url),
              ...(r.webhook.secret ? { secret: box.encrypt(r.webhook.secret) } : {}),
            },
          }
        : r,
    ),
  };
  await putSetting(db, notificationSettingsKey, value, at);
}

function openSecrets(value: unknown, box: SecretBox): unknown {
  const v = value as { recipients?: Array<{ webhook?: { url?: string; secret?: string } }> } | null;
  if (!v || !Array.isArray(v.recipients)) return value;
  return {
    ...v,
    recipients: v.recipients.map((r) =>
      r.webhook
        ? {
            ...r,
            webhook: {
              ...r.webhook,
              ...(r.webhook.url ? { url: box.decrypt(r.webhook.url) } : {}),
              ...(r.webhook.secret ? { secret: box.decrypt(r.webhook.secret) } : {}),
            },
          }
        : r,
    ),
  };
}

/** A recipient as a viewer may see it: a webhook's URL without its path, no secret. */
export interface PublicRecipient extends Omit<NotificationRecipient, 'webhook'> {
  webhook?: { url: string; format: 'json' | 'slack' | 'teams'; hasSecret: boolean } | undefined;
}

export function publicRecipient(r: NotificationRecipient): PublicRecipient {
  const { webhook, ...rest } = r;
  if (!webhook) return rest;
  return {
    ...rest,
    webhook: { url: maskedUrl(webhook.url), format: webhook.format, hasSecret: Boolean(webhook.secret) },
  };
}

/** `https://hooks.example.com/…`: where it goes, without a credential the path or query may hold. */
export function maskedUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && !u.search ? u.origin + '/' : `${u.origin}/…`;
  } catch {
    return '…';
  }
}
