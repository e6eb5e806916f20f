import type { Kysely } from 'kysely';
import { stableStringify } from '../core/json.js';
import type { SecretBox } from '../core/secret-box.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import { readinessOf, tenantOf, tokenCredentialFields } from '../engine/connection-readiness.js';
import type { AppDescriptor, FlowRegistry } from '../engine/types.js';
import { appliedCredentialHash as appliedHash } from '../engine/secret-key.js';
import { updateConnection, upsertConnection, type Connection } from '../store/repos/connections.js';
import type { Database } from '../store/schema.js';
import type { ApplySummary } from './apply-summary.js';
import type { StoredConfiguration } from './stored-configuration.js';
import { envVariableOf, type Workspace, type WorkspaceConnection } from './workspace-schema.js';

export interface ConnectionStep {
  trx: Kysely<Database>;
  at: string;
  box: SecretBox;
  secrets: SecretRegistry;
  registry: FlowRegistry;
  env: Readonly<Record<string, string | undefined>>;
  stored: StoredConfiguration;
  summary: ApplySummary;
}

/**
 * Upsert the file's connections; credentials are resolved from the environment and encrypted.
 * What the file does not own is kept: credential values it last applied and that changed since
 * (a token pair rotated by a refresh or renewed by `koppel connect`), and a tenant chosen through
 * the API or `koppel tenants` when the file names none.
 */
export async function applyConnections(workspace: Workspace, step: ConnectionStep): Promise<void> {
  const changes = step.summary.changes.connections;
  for (const pair of workspace.pairs) {
    for (const connection of pair.connections) {
      const existing = step.stored.connections.get(connection.id);
      const app = step.registry.apps.get(connection.app);
      const refs = credentialRefsOf(connection);
      const credentials = mergeCredentials(existing, refs, step);
      const settings = keepChosenTenant(app, existing, connection.settings);
      const same =
        existing !== undefined &&
        !credentials.changed &&
        stableStringify(existing.appliedCredentialHashes) === stableStringify(credentials.hashes) &&
        existing.name === connection.name &&
        stableStringify(existing.settings) === stableStringify(settings) &&
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
          settings,
          encryptedCredentials: credentials.encrypted,
          credentialRefs: refs,
          appliedCredentialHashes: credentials.hashes,
        },
        step.at,
        readinessOf(app, settings, credentials.values),
      );
      if (existing) await settleStatus(step, app, existing, settings, credentials);
      (existing ? changes.updated : changes.created).push(connection.id);
    }
  }
}

/**
 * A file that gives a waiting connection what it waited for (a tenant, a token pair) makes it
 * ready; a new token pair from the file also ends a pause, as a new authorization would. An
 * active connection stays active, a paused one without new tokens stays paused.
 */
async function settleStatus(
  step: ConnectionStep,
  app: AppDescriptor | undefined,
  existing: Connection,
  settings: Record<string, unknown>,
  credentials: MergedCredentials,
): Promise<void> {
  const waiting = existing.status === 'needs_authorization' || existing.status === 'needs_tenant';
  const resumed = existing.status === 'paused' && credentials.tokensApplied;
  const tenantMoved = tenantOf(app, settings) !== tenantOf(app, existing.settings);
  if (!waiting && !resumed && !tenantMoved) return;
  const status = waiting || resumed ? readinessOf(app, settings, credentials.values) : existing.status;
  await updateConnection(
    step.trx,
    existing.id,
    {
      status,
      ...(status === existing.status ? {} : { pausedReason: null, pausedAt: null }),
      ...(tenantMoved ? { tenantName: null } : {}),
    },
    step.at,
  );
}

/** The file's settings, plus the stored tenant when the file names none (it was chosen since). */
function keepChosenTenant(
  app: AppDescriptor | undefined,
  existing: Connection | undefined,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const setting = app?.oauth?.tenantSetting;
  if (!existing || setting === undefined || setting in settings) return settings;
  const chosen = tenantOf(app, existing.settings);
  return chosen === null ? settings : { ...settings, [setting]: chosen };
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

interface MergedCredentials {
  values: Record<string, string>;
  encrypted: string | null;
  /** Whether the stored values change. */
  changed: boolean;
  /** Field → keyed hash of the value this file supplies. */
  hashes: Record<string, string>;
  /** Whether the file wrote a token field (a token pair of its own). */
  tokensApplied: boolean;
}

/**
 * The credentials to store. A field the file supplies is written only when its value differs
 * from what a file last applied there (compared by hash): re-applying an unchanged file, as
 * `koppel start` does on every start, must never put the environment's stale refresh token over the
 * one a refresh rotated since ("Old refresh token used" on the next refresh). A field an earlier
 * file supplied and this one does not is removed only while it still holds the value the file
 * put there. Fields no file supplied (tokens from `koppel connect`) are kept. Only re-encrypted
 * when a value actually differs, so re-applying the same file writes nothing.
 */
function mergeCredentials(
  existing: Connection | undefined,
  refs: Record<string, string>,
  step: ConnectionStep,
): MergedCredentials {
  const stored = existing?.encryptedCredentials ? step.box.decryptJson(existing.encryptedCredentials) : {};
  for (const value of Object.values(stored)) step.secrets.add(value);
  const applied = existing?.appliedCredentialHashes ?? {};
  const hashOf = appliedHash(step.box);
  const values: Record<string, string> = { ...stored };
  for (const field of Object.keys(existing?.credentialRefs ?? {})) {
    const current = stored[field];
    if (!(field in refs) && current !== undefined && applied[field] === hashOf(current)) delete values[field];
  }
  const hashes: Record<string, string> = {};
  let tokensApplied = false;
  for (const [field, variable] of Object.entries(refs)) {
    const value = step.env[variable] ?? '';
    step.secrets.add(value);
    hashes[field] = hashOf(value);
    if (applied[field] === hashes[field]) continue;
    if (values[field] !== value && tokenCredentialFields.includes(field)) tokensApplied = true;
    values[field] = value;
  }
  if (stableStringify(values) === stableStringify(stored)) {
    return {
      values,
      encrypted: existing?.encryptedCredentials ?? null,
      changed: false,
      hashes,
      tokensApplied,
    };
  }
  return {
    values,
    encrypted: Object.keys(values).length > 0 ? step.box.encryptJson(values) : null,
    changed: true,
    hashes,
    tokensApplied,
  };
}
