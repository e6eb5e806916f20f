import type { Kysely, Selectable } from 'kysely';
import { KoppelError } from '../../core/errors.js';
import type { ConnectionTable, Database } from '../schema.js';

/**
 * A connection as stored. Credentials are only ever handled here as SecretBox ciphertext:
 * decrypting them (SecretBox.decryptJson) is the caller's job, and only where they are used.
 */
export interface Connection {
  id: string;
  pairId: string;
  app: string;
  name: string;
  settings: Record<string, unknown>;
  /** SecretBox ciphertext of a JSON object of credentials; null when there are none. */
  encryptedCredentials: string | null;
  /** Credential field → environment variable it was applied from; never a value. */
  credentialRefs: Record<string, string>;
  /** `active`, `paused`, `needs_authorization` or `needs_tenant` (src/engine/connection-readiness.ts). */
  status: string;
  pausedReason: string | null;
  pausedAt: string | null;
  /** When the current token pair came from an authorization; null: none, or tokens from a file. */
  authorizedAt: string | null;
  /** Who authorized it, as the provider names them. */
  authorizedAccount: string | null;
  /** The tenant's name (Exact division, Asperion administration), when known. */
  tenantName: string | null;
  /** Credential field → SHA-256 of the value a workspace file last applied; never a value. */
  appliedCredentialHashes: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionInput = Pick<
  Connection,
  'id' | 'pairId' | 'app' | 'name' | 'settings' | 'encryptedCredentials' | 'credentialRefs'
> & {
  /** What a workspace file applied; left as stored when absent. */
  appliedCredentialHashes?: Record<string, string>;
};

function toConnection(row: Selectable<ConnectionTable>): Connection {
  return {
    id: row.id,
    pairId: row.pair_id,
    app: row.app,
    name: row.name,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    encryptedCredentials: row.credentials,
    credentialRefs: JSON.parse(row.credential_refs) as Record<string, string>,
    status: row.status,
    pausedReason: row.paused_reason,
    pausedAt: row.paused_at,
    authorizedAt: row.authorized_at,
    authorizedAccount: row.authorized_account,
    tenantName: row.tenant_name,
    appliedCredentialHashes: JSON.parse(row.applied_credential_hashes) as Record<string, string>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getConnection(db: Kysely<Database>, id: string): Promise<Connection | null> {
  const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toConnection(row) : null;
}

/** Connections ordered by id, optionally of one pair. */
export async function listConnections(
  db: Kysely<Database>,
  filter: { pairId?: string } = {},
): Promise<Connection[]> {
  let query = db.selectFrom('connections').selectAll().orderBy('id');
  if (filter.pairId !== undefined) query = query.where('pair_id', '=', filter.pairId);
  return (await query.execute()).map(toConnection);
}

/**
 * Insert, or update what configuration owns. Status and pause fields belong to the engine and
 * are left as they are on update; `status` is the status of a new connection (default `active`).
 */
export async function upsertConnection(
  db: Kysely<Database>,
  input: ConnectionInput,
  at: string,
  status = 'active',
): Promise<void> {
  const values = {
    pair_id: input.pairId,
    app: input.app,
    name: input.name,
    settings: JSON.stringify(input.settings),
    credentials: input.encryptedCredentials,
    credential_refs: JSON.stringify(input.credentialRefs),
    ...(input.appliedCredentialHashes
      ? { applied_credential_hashes: JSON.stringify(input.appliedCredentialHashes) }
      : {}),
    updated_at: at,
  };
  await db
    .insertInto('connections')
    .values({
      id: input.id,
      applied_credential_hashes: '{}',
      ...values,
      status,
      paused_reason: null,
      paused_at: null,
      authorized_at: null,
      authorized_account: null,
      tenant_name: null,
      created_at: at,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** What the engine changes on a connection: its status, authorization and tenant, its settings. */
export interface ConnectionStateChange {
  name?: string;
  settings?: Record<string, unknown>;
  /** SecretBox ciphertext, or null for none. */
  encryptedCredentials?: string | null;
  status?: string;
  pausedReason?: string | null;
  pausedAt?: string | null;
  authorizedAt?: string | null;
  authorizedAccount?: string | null;
  tenantName?: string | null;
}

/** Change a connection; `onlyIfStatus` makes it a compare-and-set on the status. True when changed. */
export async function updateConnection(
  db: Kysely<Database>,
  id: string,
  change: ConnectionStateChange,
  at: string,
  onlyIfStatus?: readonly string[],
): Promise<boolean> {
  const set = {
    ...(change.name === undefined ? {} : { name: change.name }),
    ...(change.settings === undefined ? {} : { settings: JSON.stringify(change.settings) }),
    ...(change.encryptedCredentials === undefined ? {} : { credentials: change.encryptedCredentials }),
    ...(change.status === undefined ? {} : { status: change.status }),
    ...(change.pausedReason === undefined ? {} : { paused_reason: change.pausedReason }),
    ...(change.pausedAt === undefined ? {} : { paused_at: change.pausedAt }),
    ...(change.authorizedAt === undefined ? {} : { authorized_at: change.authorizedAt }),
    ...(change.authorizedAccount === undefined ? {} : { authorized_account: change.authorizedAccount }),
    ...(change.tenantName === undefined ? {} : { tenant_name: change.tenantName }),
    updated_at: at,
  };
  let query = db.updateTable('connections').set(set).where('id', '=', id);
  if (onlyIfStatus) query = query.where('status', 'in', [...onlyIfStatus]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replace the stored credentials (e.g. after a token rotation); `encrypted` is SecretBox ciphertext. */
export async function setConnectionCredentials(
  db: Kysely<Database>,
  id: string,
  encrypted: string | null,
  at: string,
): Promise<void> {
  await db
    .updateTable('connections')
    .set({ credentials: encrypted, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Delete a connection; refused while a flow still reads from or writes to it. */
export async function deleteConnection(db: Kysely<Database>, id: string): Promise<boolean> {
  const user = await db
    .selectFrom('flows')
    .select('id')
    .where((eb) => eb.or([eb('source_connection_id', '=', id), eb('target_connection_id', '=', id)]))
    .executeTakeFirst();
  if (user) {
    throw new KoppelError(`Connection "${id}" is used by flow "${user.id}"; delete the flow first`, {
      code: 'store.connection_in_use',
      kind: 'conflict',
      details: { connectionId: id, flowId: user.id },
    });
  }
  const result = await db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
