import type { Kysely } from 'kysely';
import { stableStringify } from '../core/json.js';
import type { SecretBox } from '../core/secret-box.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import { upsertConnection, type Connection } from '../store/repos/connections.js';
import type { Database } from '../store/schema.js';
import type { ApplySummary } from './apply-summary.js';
import type { StoredConfiguration } from './stored-configuration.js';
import { envVariableOf, type Workspace, type WorkspaceConnection } from './workspace-schema.js';

export interface ConnectionStep {
  trx: Kysely<Database>;
  at: string;
  box: SecretBox;
  secrets: SecretRegistry;
  env: Readonly<Record<string, string | undefined>>;
  stored: StoredConfiguration;
  summary: ApplySummary;
}

/** Upsert the file's connections; credentials are resolved from the environment and encrypted. */
export async function applyConnections(workspace: Workspace, step: ConnectionStep): Promise<void> {
  const changes = step.summary.changes.connections;
  for (const pair of workspace.pairs) {
    for (const connection of pair.connections) {
      const existing = step.stored.connections.get(connection.id);
      const refs = credentialRefsOf(connection);
      const { encrypted, changed } = mergeCredentials(existing, refs, step);
      const same =
        existing !== undefined &&
        !changed &&
        existing.name === connection.name &&
        stableStringify(existing.settings) === stableStringify(connection.settings) &&
        stableStringify(existing.credentialRefs) === stableStringify(refs);
      if (same) {
        changes.unchanged.push(connection.id);
        continue;
      }
      await upsertConnection(
        step.trx,
        {
          id: connection.id,
          pairId: pair.id,
          app: connection.app,
          name: connection.name,
          settings: connection.settings,
          encryptedCredentials: encrypted,
          credentialRefs: refs,
        },
        step.at,
      );
      (existing ? changes.updated : changes.created).push(connection.id);
    }
  }
}

/** Credential field → environment variable name (validation has checked every reference). */
function credentialRefsOf(connection: WorkspaceConnection): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [field, ref] of Object.entries(connection.credentials)) {
    const variable = envVariableOf(ref);
    if (variable !== null) refs[field] = variable;
  }
  return refs;
}

/**
 * The credentials to store: what is stored now, minus fields an earlier file supplied and this
 * one no longer does, plus this file's values. Fields the file never supplied (tokens from an
 * OAuth authorization) survive. Only re-encrypted when a value actually differs, so re-applying
 * the same file writes nothing.
 */
function mergeCredentials(
  existing: Connection | undefined,
  refs: Record<string, string>,
  step: ConnectionStep,
): { encrypted: string | null; changed: boolean } {
  const stored = existing?.encryptedCredentials ? step.box.decryptJson(existing.encryptedCredentials) : {};
  for (const value of Object.values(stored)) step.secrets.add(value);
  const merged: Record<string, string> = { ...stored };
  for (const field of Object.keys(existing?.credentialRefs ?? {})) {
    if (!(field in refs)) delete merged[field];
  }
  for (const [field, variable] of Object.entries(refs)) {
    const value = step.env[variable] ?? '';
    step.secrets.add(value);
    merged[field] = value;
  }
  if (stableStringify(merged) === stableStringify(stored)) {
    return { encrypted: existing?.encryptedCredentials ?? null, changed: false };
  }
  return { encrypted: Object.keys(merged).length > 0 ? step.box.encryptJson(merged) : null, changed: true };
}
