import { recordAudit } from '../../access/audit.js';
import type { Principal } from '../../access/principal.js';
import { hashSecretToken } from '../../access/secret-token.js';
import { toKoppelError } from '../../core/errors.js';
import {
  getOAuthState,
  setOAuthOutcome,
  useOAuthState,
  type OAuthStateRow,
} from '../../store/repos/oauth-states.js';
import { authorizeHint } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { failed, type AuthorizationOutcome, type CallbackInput } from './authorization-outcome.js';
import { authorizeWithCode } from './authorize-with-code.js';

export type { AuthorizationOutcome, CallbackInput } from './authorization-outcome.js';

/**
 * Finish an OAuth authorization when the provider sends the person back. The state must be known,
 * unused and unexpired (a compare-and-set makes it single use), and a browser signed in as another
 * user than the one who started it is refused. The code is then exchanged with the redirect URI
 * the authorization started with (authorizeWithCode). The outcome is written on the state row, for
 * `koppel connect` waiting on it, and in the audit log.
 */
export async function finishAuthorization(
  deps: EngineDeps,
  input: CallbackInput,
): Promise<AuthorizationOutcome> {
  const db = deps.store.db;
  const startAgain =
    'start it again from Koppel (`koppel connect <connection>` or POST /api/connections/<id>/authorize)';
  if (!input.state)
    return failed(400, 'oauth.state_missing', `This callback carries no state; ${startAgain}`, null);
  const id = hashSecretToken(input.state);
  const state = await getOAuthState(db, id);
  if (!state)
    return failed(400, 'oauth.state_unknown', `Koppel does not know this authorization; ${startAgain}`, null);
  const connectionId = state.connection_id;
  const again = `to try again, ${authorizeHint(connectionId)}`;
  if (state.used_at !== null)
    return failed(
      400,
      'oauth.state_used',
      `This authorization of connection ${connectionId} was used already; ${again}`,
      connectionId,
    );
  const now = deps.clock.now().toISOString();
  if (state.expires_at <= now)
    return settle(
      deps,
      state,
      input,
      failed(
        400,
        'oauth.state_expired',
        `This authorization of connection ${connectionId} expired (it lasts 10 minutes); ${again}`,
        connectionId,
      ),
    );
  const otherUser =
    input.browserUserId !== null && state.user_id !== null && input.browserUserId !== state.user_id;
  // Used up either way: a state that reached the wrong person is not safe to finish later.
  if (!(await useOAuthState(db, id, now)))
    return failed(
      400,
      'oauth.state_used',
      `This authorization of connection ${connectionId} was used already; ${again}`,
      connectionId,
    );
  if (otherUser)
    return settle(
      deps,
      state,
      input,
      failed(
        403,
        'oauth.wrong_user',
        `Another user started this authorization of connection ${connectionId}; sign in as them, or ${again.replace('to try again, ', '')}`,
        connectionId,
      ),
    );
  try {
    return await settle(deps, state, input, await authorizeWithCode(deps, state, input, again));
  } catch (e) {
    const error = toKoppelError(e);
    const message = `Connection ${connectionId} was not authorized: ${deps.secrets.scrub(error.message).replace(/\.$/, '')}; ${again}`;
    return settle(
      deps,
      state,
      input,
      failed(error.kind === 'transient' ? 503 : 400, error.code, message, connectionId),
    );
  }
}

/** Write the outcome on the state (for `koppel connect`) and in the audit log, and answer it. */
async function settle(
  deps: EngineDeps,
  state: OAuthStateRow,
  input: CallbackInput,
  outcome: AuthorizationOutcome,
): Promise<AuthorizationOutcome> {
  await setOAuthOutcome(deps.store.db, state.id, outcome.outcome, outcome.message);
  const connection = await deps.store.db
    .selectFrom('connections')
    .select('pair_id')
    .where('id', '=', state.connection_id)
    .executeTakeFirst();
  await recordAudit(deps.store.db, deps.clock, {
    actor: starterOf(state),
    action: outcome.outcome === 'failed' ? 'connection.authorize_failed' : 'connection.authorize',
    target: { kind: 'connection', id: state.connection_id },
    pairId: connection?.pair_id ?? null,
    ip: input.ip,
    details: {
      outcome: outcome.outcome,
      code: outcome.code,
      ...(outcome.tenant ? { tenant: outcome.tenant.id } : {}),
      ...(outcome.account ? { account: outcome.account } : {}),
    },
  });
  deps.logger.info(
    { connection: state.connection_id, outcome: outcome.outcome, code: outcome.code },
    outcome.message,
  );
  return outcome;
}

/** Who started the authorization, as the audit log names them. */
function starterOf(state: Pick<OAuthStateRow, 'user_id' | 'actor_name'>): Principal {
  const kind = state.user_id !== null ? 'user' : state.actor_name.startsWith('cli (') ? 'cli' : 'token';
  return { kind, id: state.user_id, name: state.actor_name, role: 'owner', pairScope: null };
}
