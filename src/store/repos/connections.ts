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
  status: string;
  pausedReason: string | null;
  pausedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionInput = Pick<
  Connection,
  'id' | 'pairId' | 'app' | 'name' | 'settings' | 'encryptedCredentials' | 'credentialRefs'
>;

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
 * are left as they are on update.
 */
export async function upsertConnection(
  db: Kysely<Database>,
  input: ConnectionInput,
  at: string,
): Promise<void> {
  const values = {
    pair_id: input.pairId,
    app: input.app,
    name: input.name,
    settings: JSON.stringify(input.settings),
    credentials: input.encryptedCredentials,
    credential_refs: JSON.stringify(input.credentialRefs),
    updated_at: at,
  };
  await db
    .insertInto('connections')
    .values({
      id: input.id,
      ...values,
      status: 'active',
      paused_reason: null,
      paused_at: null,
      authorized_at: null,
      applied_credential_hashes: '{}',
      created_at: at,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
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
