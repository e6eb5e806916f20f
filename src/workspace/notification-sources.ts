import type { Kysely } from 'kysely';
import { isPlainObject } from '../core/json.js';
import { deleteSetting, getSetting, putSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';

/**
 * Which environment variables a workspace file took webhook URLs and secrets from, per recipient
 * name: variable names only, never values. Export writes them back as `${env:NAME}` references, as
 * it does for connection credentials; a change through the API drops what it replaced.
 */
export const notificationSourcesKey = 'notifications.sources';

export type NotificationSources = Record<string, { url?: string; secret?: string }>;

export async function readNotificationSources(db: Kysely<Database>): Promise<NotificationSources> {
  const stored = await getSetting(db, notificationSourcesKey);
  if (!stored || !isPlainObject(stored.value)) return {};
  const out: NotificationSources = {};
  for (const [name, refs] of Object.entries(stored.value)) {
    if (!isPlainObject(refs)) continue;
    out[name] = {
      ...(typeof refs.url === 'string' ? { url: refs.url } : {}),
      ...(typeof refs.secret === 'string' ? { secret: refs.secret } : {}),
    };
  }
  return out;
}

export async function writeNotificationSources(
  db: Kysely<Database>,
  sources: NotificationSources,
  at: string,
): Promise<void> {
  const kept = Object.fromEntries(Object.entries(sources).filter(([, refs]) => refs.url || refs.secret));
  if (Object.keys(kept).length === 0) await deleteSetting(db, notificationSourcesKey);
  else await putSetting(db, notificationSourcesKey, kept, at);
}
