import type { Kysely } from 'kysely';
import { stringify } from 'yaml';
import { listConnections, type Connection } from '../store/repos/connections.js';
import { listFlows, type Flow } from '../store/repos/flows.js';
import { currentMapping } from '../store/repos/mappings.js';
import { listPairs } from '../store/repos/pairs.js';
import { getSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';
import { envReference, workspaceSettingKeys, type WorkspaceDocument } from './workspace-schema.js';

type DocumentPair = WorkspaceDocument['pairs'] extends (infer P)[] | undefined ? P : never;
type DocumentConnection = NonNullable<DocumentPair['connections']>[number];
type DocumentFlow = NonNullable<DocumentPair['flows']>[number];

/**
 * The stored configuration as a workspace document: credentials as the `${env:…}` references
 * they were applied from (values are never read), mappings as the current version's definition.
 * Lists are ordered by id; empty settings, credentials and lists are left out. Applying the result
 * changes nothing.
 */
export async function exportWorkspaceDocument(db: Kysely<Database>): Promise<WorkspaceDocument> {
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
    document.pairs = pairs;
    return document;
  });
}

/** The stored configuration as workspace file text, YAML (default) or JSON. */
export async function exportWorkspace(
  db: Kysely<Database>,
  format: 'yaml' | 'json' = 'yaml',
): Promise<string> {
  const document = await exportWorkspaceDocument(db);
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
