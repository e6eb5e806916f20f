import type { Kysely } from 'kysely';
import { stringify } from 'yaml';
import type { SecretBox } from '../core/secret-box.js';
import { readNotificationSettings } from '../engine/notifications/settings.js';
import { notificationSettingsKey } from '../engine/notifications/types.js';
import { listConnections, type Connection } from '../store/repos/connections.js';
import { listFlows, type Flow } from '../store/repos/flows.js';
import { currentMapping } from '../store/repos/mappings.js';
import { listPairs } from '../store/repos/pairs.js';
import { getSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';
import { readNotificationSources } from './notification-sources.js';
import { envReference, workspaceSettingKeys, type WorkspaceDocument } from './workspace-schema.js';

type DocumentPair = WorkspaceDocument['pairs'] extends (infer P)[] | undefined ? P : never;
type DocumentConnection = NonNullable<DocumentPair['connections']>[number];
type DocumentFlow = NonNullable<DocumentPair['flows']>[number];

/**
 * The stored configuration as a workspace document: credentials as the `${env:…}` references
 * they were applied from (values are never read), mappings as the current version's definition.
 * Lists are ordered by id; empty settings, credentials and lists are left out. Applying the result
 * changes nothing. Notifications need the box (a webhook's URL is stored encrypted): without it
 * they are left out.
 */
export async function exportWorkspaceDocument(
  db: Kysely<Database>,
  box?: SecretBox,
): Promise<WorkspaceDocument> {
  // One transaction, so the document is one consistent snapshot.
  return db.transaction().execute(async (trx) => {
    const connections = await listConnections(trx);
    const flows = await listFlows(trx);
    const pairs: DocumentPair[] = [];
    for (const pair of await listPairs(trx)) {
      const out: DocumentPair = { id: pair.id, name: pair.name };
      const own = connections.filter((c) => c.pairId === pair.id).map(exportConnection);
      if (own.length > 0) out.connections = own;
      const ownFlows: DocumentFlow[] = [];
      for (const flow of flows.filter((f) => f.pairId === pair.id))
        ownFlows.push(await exportFlow(trx, flow));
      if (ownFlows.length > 0) out.flows = ownFlows;
      pairs.push(out);
    }
    const document: WorkspaceDocument = { version: 1 };
    const settings: NonNullable<WorkspaceDocument['settings']> = {};
    for (const key of workspaceSettingKeys) {
      const setting = await getSetting(trx, key);
      // Stored by applyWorkspace from a validated file, so it has the shape of the key's schema.
      if (setting) Object.assign(settings, { [key]: setting.value });
    }
    if (Object.keys(settings).length > 0) document.settings = settings;
    const notifications = box ? await exportNotifications(trx, box) : undefined;
    if (notifications) document.notifications = notifications;
    document.pairs = pairs;
    return document;
  });
}

/** The stored configuration as workspace file text, YAML (default) or JSON. */
export async function exportWorkspace(
  db: Kysely<Database>,
  format: 'yaml' | 'json' = 'yaml',
  box?: SecretBox,
): Promise<string> {
  const document = await exportWorkspaceDocument(db, box);
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document);
}

function exportConnection(connection: Connection): DocumentConnection {
  const out: DocumentConnection = { id: connection.id, app: connection.app, name: connection.name };
  if (Object.keys(connection.settings).length > 0) out.settings = connection.settings;
  const refs = Object.entries(connection.credentialRefs);
  if (refs.length > 0) {
    out.credentials = Object.fromEntries(refs.map(([field, variable]) => [field, envReference(variable)]));
  }
  return out;
}

async function exportFlow(db: Kysely<Database>, flow: Flow): Promise<DocumentFlow> {
  const out: DocumentFlow = {
    id: flow.id,
    kind: flow.kind,
    source: flow.sourceConnectionId,
    target: flow.targetConnectionId,
    enabled: flow.enabled,
  };
  if (flow.schedule !== null) out.schedule = flow.schedule;
  out.priority = flow.priority;
  if (Object.keys(flow.settings).length > 0) out.settings = flow.settings;
  const mapping = await currentMapping(db, flow.id);
  if (mapping) out.mapping = mapping.definition;
  return out;
}

/**
 * A webhook's URL and secret as the references they were applied from; a URL set through the API
 * as itself (it was given as text, like a file may). A secret set through the API has no
 * reference and a file never holds a secret, so it is left out: give it as `${env:NAME}`.
 */
async function exportNotifications(
  db: Kysely<Database>,
  box: SecretBox,
): Promise<WorkspaceDocument['notifications']> {
  if (!(await getSetting(db, notificationSettingsKey))) return undefined;
  const settings = await readNotificationSettings(db, box);
  const sources = await readNotificationSources(db);
  return {
    ...settings,
    recipients: settings.recipients.map((r) => {
      if (!r.webhook) return r;
      const refs = sources[r.name] ?? {};
      return {
        ...r,
        webhook: {
          url: refs.url ? envReference(refs.url) : r.webhook.url,
          format: r.webhook.format,
          ...(refs.secret ? { secret: envReference(refs.secret) } : {}),
        },
      };
    }),
  };
}
