import type { Kysely } from 'kysely';
import { isoNow, type Clock } from '../core/clock.js';
import { stableStringify } from '../core/json.js';
import type { SecretBox } from '../core/secret-box.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import type { FlowRegistry } from '../engine/types.js';
import type { Store } from '../store/database.js';
import { deleteConnection } from '../store/repos/connections.js';
import { deleteFlow } from '../store/repos/flows.js';
import { deletePair, upsertPair } from '../store/repos/pairs.js';
import { deleteSetting, getSetting, putSetting } from '../store/repos/settings.js';
import type { Database } from '../store/schema.js';
import { applyConnections } from './apply-connections.js';
import { applyFlows } from './apply-flows.js';
import { applyNotifications } from './apply-notifications.js';
import { emptySummary, type ApplySummary } from './apply-summary.js';
import {
  conflictsWithStore,
  loadStoredConfiguration,
  type StoredConfiguration,
} from './stored-configuration.js';
import { validateWorkspace } from './validate-workspace.js';
import { invalidWorkspaceError } from './workspace-errors.js';
import { workspaceSettingKeys, type Workspace } from './workspace-schema.js';

/** What applying (and exporting) a workspace needs from the app. */
export interface WorkspaceDeps {
  store: Store;
  box: SecretBox;
  secrets: SecretRegistry;
  registry: FlowRegistry;
  clock: Clock;
  /** The environment credential references are resolved from (config.env). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface ApplyOptions {
  /** Delete stored pairs, connections, flows and workspace settings the file does not mention. */
  prune?: boolean;
  /** Work out and return the summary, then roll everything back. */
  dryRun?: boolean;
  /** The file name, for the error message. */
  source?: string;
}

/** Thrown inside the transaction to roll a dry run back; never escapes applyWorkspace. */
class DryRunRollback extends Error {}

/**
 * Make the stored configuration what the document says, in one transaction. An invalid document
 * throws `workspace.invalid` listing every problem and changes nothing. Objects the document does
 * not mention are kept, unless `prune`.
 */
export async function applyWorkspace(
  deps: WorkspaceDeps,
  document: unknown,
  options: ApplyOptions = {},
): Promise<ApplySummary> {
  const validation = validateWorkspace(document, deps);
  if (!validation.ok) throw invalidWorkspaceError(validation.errors, options.source);
  const workspace = validation.workspace;
  const summary = emptySummary({ dryRun: options.dryRun === true, prune: options.prune === true });
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const stored = await loadStoredConfiguration(trx);
      const conflicts = conflictsWithStore(workspace, stored);
      if (conflicts.length > 0) throw invalidWorkspaceError(conflicts, options.source);
      const at = isoNow(deps.clock);
      const prune = summary.prune;

      if (prune) await pruneFlows(trx, workspace, stored, summary);
      await applyPairs(trx, workspace, stored, summary, at);
      await applyConnections(workspace, { ...deps, trx, at, stored, summary });
      await applyFlows(workspace, { trx, at, stored, summary });
      if (prune) await pruneConnectionsAndPairs(trx, workspace, stored, summary);
      await applySettings(trx, workspace, summary, at);
      await applyNotifications(workspace, { ...deps, trx, summary, at });

      if (summary.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return summary;
}

async function applyPairs(
  trx: Kysely<Database>,
  workspace: Workspace,
  stored: StoredConfiguration,
  summary: ApplySummary,
  at: string,
): Promise<void> {
  for (const pair of workspace.pairs) {
    const existing = stored.pairs.get(pair.id);
    if (existing?.name === pair.name) {
      summary.changes.pairs.unchanged.push(pair.id);
      continue;
    }
    await upsertPair(trx, { id: pair.id, name: pair.name }, at);
    (existing ? summary.changes.pairs.updated : summary.changes.pairs.created).push(pair.id);
  }
}

/** Installation settings the file sets; with prune, workspace keys it leaves out are deleted. */
async function applySettings(
  trx: Kysely<Database>,
  workspace: Workspace,
  summary: ApplySummary,
  at: string,
): Promise<void> {
  const changes = summary.changes.settings;
  for (const key of workspaceSettingKeys) {
    const value = workspace.settings?.[key];
    const existing = await getSetting(trx, key);
    if (value === undefined) {
      if (summary.prune && existing && (await deleteSetting(trx, key))) changes.deleted.push(key);
    } else if (existing && stableStringify(existing.value) === stableStringify(value)) {
      changes.unchanged.push(key);
    } else {
      await putSetting(trx, key, value, at);
      (existing ? changes.updated : changes.created).push(key);
    }
  }
}

function declaredIds(workspace: Workspace) {
  return {
    pairs: new Set(workspace.pairs.map((p) => p.id)),
    connections: new Set(workspace.pairs.flatMap((p) => p.connections.map((c) => c.id))),
    flows: new Set(workspace.pairs.flatMap((p) => p.flows.map((f) => f.id))),
  };
}

/** First, because a stored flow may still reference a connection that is about to change or go. */
async function pruneFlows(
  trx: Kysely<Database>,
  workspace: Workspace,
  stored: StoredConfiguration,
  summary: ApplySummary,
): Promise<void> {
  const declared = declaredIds(workspace);
  for (const id of stored.flows.keys()) {
    if (!declared.flows.has(id) && (await deleteFlow(trx, id))) summary.changes.flows.deleted.push(id);
  }
}

async function pruneConnectionsAndPairs(
  trx: Kysely<Database>,
  workspace: Workspace,
  stored: StoredConfiguration,
  summary: ApplySummary,
): Promise<void> {
  const declared = declaredIds(workspace);
  for (const id of stored.connections.keys()) {
    if (!declared.connections.has(id) && (await deleteConnection(trx, id))) {
      summary.changes.connections.deleted.push(id);
    }
  }
  for (const id of stored.pairs.keys()) {
    if (!declared.pairs.has(id) && (await deletePair(trx, id))) summary.changes.pairs.deleted.push(id);
  }
}
