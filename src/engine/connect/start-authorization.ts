import { newSecretToken } from '../../access/secret-token.js';
import type { Principal } from '../../access/principal.js';
import { deleteOAuthStatesExpiredBefore, insertOAuthState } from '../../store/repos/oauth-states.js';
import type { EngineDeps } from '../deps.js';
import { connectionRow, credentialsOf, oauthOf } from './connection-access.js';

/** How long a person has between starting an authorization and coming back from the consent page. */
export const oauthStateLifetimeMs = 10 * 60_000;

export interface StartedAuthorization {
  /** The provider's consent page, with our `state`. */
  authorizeUrl: string;
  /** Where the provider sends the person back; register it with the app. */
  redirectUri: string;
  expiresAt: string;
  /** The stored state's id (its SHA-256), to wait for its outcome; not the state itself. */
  stateId: string;
}

/**
 * Start an OAuth authorization of a connection: a random `state` (only its SHA-256 is stored),
 * single use, bound to the connection and to the person who started it (a user, or the CLI's
 * shell user), expiring after ten minutes; and the provider's consent URL carrying it.
 */
export async function startAuthorization(
  deps: EngineDeps,
  input: { connectionId: string; redirectUri: string; actor: Principal },
): Promise<StartedAuthorization> {
  const row = await connectionRow(deps, input.connectionId);
  const oauth = oauthOf(deps, row);
  const { token, hash } = newSecretToken();
  const authorizeUrl = oauth.authorizeUrl(
    { settings: JSON.parse(row.settings) as Record<string, unknown>, credentials: credentialsOf(deps, row) },
    input.redirectUri,
    token,
  );
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + oauthStateLifetimeMs).toISOString();
  // States a day past their expiry can only be refused; nobody waits for their outcome any more.
  await deleteOAuthStatesExpiredBefore(deps.store.db, new Date(now.getTime() - 86_400_000).toISOString());
  await insertOAuthState(deps.store.db, {
    id: hash,
    connection_id: row.id,
    user_id: input.actor.kind === 'user' ? input.actor.id : null,
    actor_name: input.actor.name,
    redirect_uri: input.redirectUri,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    used_at: null,
    outcome: null,
    outcome_message: null,
  });
  return { authorizeUrl, redirectUri: input.redirectUri, expiresAt, stateId: hash };
}

/** The redirect URI of a service reached at `baseUrl` (KOPPEL_PUBLIC_URL, else its own address). */
export function redirectUriOf(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/oauth/callback`;
}
