import type { Kysely, Selectable } from 'kysely';
import type { Database, OAuthStateTable } from '../schema.js';

/** One OAuth authorization under way; `id` is the SHA-256 of the `state` sent to the provider. */
export type OAuthStateRow = Selectable<OAuthStateTable>;

export const oauthOutcomes = ['connected', 'needs_tenant', 'failed'] as const;
export type OAuthOutcome = (typeof oauthOutcomes)[number];

export async function insertOAuthState(db: Kysely<Database>, row: OAuthStateRow): Promise<void> {
  await db.insertInto('oauth_states').values(row).execute();
}

export async function getOAuthState(db: Kysely<Database>, id: string): Promise<OAuthStateRow | undefined> {
  return db.selectFrom('oauth_states').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Mark the state used if it is still unused and unexpired: a compare-and-set, so of two callbacks
 * with the same state exactly one gets true and goes on to exchange the code.
 */
export async function useOAuthState(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('oauth_states')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * What the callback made of the state, for whoever waits for it (`koppel connect`). Written once:
 * a later request with the same state cannot change what the first one said.
 */
export async function setOAuthOutcome(
  db: Kysely<Database>,
  id: string,
  outcome: OAuthOutcome,
  message: string,
): Promise<void> {
  await db
    .updateTable('oauth_states')
    .set({ outcome, outcome_message: message })
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .execute();
}

/** Forget states that expired before `before`; they can only be refused. */
export async function deleteOAuthStatesExpiredBefore(db: Kysely<Database>, before: string): Promise<void> {
  await db.deleteFrom('oauth_states').where('expires_at', '<', before).execute();
}
