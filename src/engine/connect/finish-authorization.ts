import { recordAudit } from '../../access/audit.js';
import type { Principal } from '../../access/principal.js';
import { hashSecretToken } from '../../access/secret-token.js';
import type { GrantReach, Tenant } from '../../connectors/kit/app-descriptor.js';
import { tokensToCredentials } from '../../connectors/kit/token-lease.js';
import { toKoppelError } from '../../core/errors.js';
import { updateConnection } from '../../store/repos/connections.js';
import {
  getOAuthState,
  setOAuthOutcome,
  useOAuthState,
  type OAuthOutcome,
  type OAuthStateRow,
} from '../../store/repos/oauth-states.js';
import { authorizeHint, chooseTenantHint, tenantOf } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { appOf, connectionRow, contextFor, oauthOf } from './connection-access.js';
import { describeTenants } from './describe-tenants.js';

/** What came back from the provider's consent page (the query of `/oauth/callback`). */
export interface CallbackInput {
  state: string | undefined;
  code: string | undefined;
  error: string | undefined;
  errorDescription: string | undefined;
  /** The user of the browser session the callback came with; null: none. */
  browserUserId: string | null;
  /** The browser's address, for the audit log. */
  ip: string | null;
}

/** What the callback made of it: one sentence for the person, and what the page shows. */
export interface AuthorizationOutcome {
  outcome: OAuthOutcome;
  /** The HTTP status of the page that says it. */
  httpStatus: number;
  code: string;
  message: string;
  connectionId: string | null;
  appTitle: string | null;
  account: string | null;
  tenantNoun: string | null;
  tenant: Tenant | null;
  /** What the grant reaches, when known. */
  tenants: Tenant[];
}

const nothing = { appTitle: null, account: null, tenantNoun: null, tenant: null, tenants: [] };

function failed(
  httpStatus: number,
  code: string,
  message: string,
  connectionId: string | null,
): AuthorizationOutcome {
  return { outcome: 'failed', httpStatus, code, message, connectionId, ...nothing };
}

/**
 * Finish an OAuth authorization when the provider sends the person back. The state must be known,
 * unused and unexpired (a compare-and-set makes it single use), and a browser signed in as another
 * user than the one who started it is refused. The code is exchanged with the redirect URI the
 * authorization started with; the token pair is stored encrypted, merged into the credentials (the
 * client and webhook secrets stay), and the connection becomes `active` when its tenant is set and
 * reachable (the only one the grant reaches is chosen), else `needs_tenant`. A paused connection is
 * resumed by it. The outcome is written on the state row, for `koppel connect` waiting on it, and
 * in the audit log.
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
    return await settle(deps, state, input, await connect(deps, state, input, again));
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

async function connect(
  deps: EngineDeps,
  state: OAuthStateRow,
  input: CallbackInput,
  again: string,
): Promise<AuthorizationOutcome> {
  const connectionId = state.connection_id;
  const row = await connectionRow(deps, connectionId);
  const app = appOf(deps, row);
  const oauth = oauthOf(deps, row);
  if (input.error !== undefined) {
    const said = [input.error, input.errorDescription?.slice(0, 200)].filter(Boolean).join(': ');
    return input.error === 'access_denied'
      ? failed(
          400,
          'oauth.consent_refused',
          `Consent was refused at ${app.title}, so connection ${connectionId} is not authorized; ${again}`,
          connectionId,
        )
      : failed(
          400,
          'oauth.provider_error',
          `${app.title} answered ${said}, so connection ${connectionId} is not authorized; ${again}`,
          connectionId,
        );
  }
  if (!input.code)
    return failed(
      400,
      'oauth.no_code',
      `${app.title} sent no authorization code, so connection ${connectionId} is not authorized; ${again}`,
      connectionId,
    );

  const ctx = contextFor(deps, row);
  const tokens = await oauth.exchangeCode(ctx, input.code, state.redirect_uri);
  await ctx.withCredentialLock(async () => {
    const fresh = await ctx.readCredentials();
    await ctx.saveCredentials({ ...fresh, ...tokensToCredentials(tokens) });
  });

  const stored = await connectionRow(deps, connectionId);
  let reach: GrantReach | null = null;
  let reachFailure = '';
  try {
    reach = await oauth.reach(contextFor(deps, stored));
  } catch (e) {
    reachFailure = deps.secrets.scrub(toKoppelError(e).message).replace(/\.$/, '');
  }
  const settings = JSON.parse(stored.settings) as Record<string, unknown>;
  const chosen = tenantOf(app, settings);
  const decision = decideTenant(chosen, reach);
  const at = deps.clock.now().toISOString();
  await updateConnection(
    deps.store.db,
    connectionId,
    {
      settings:
        decision.tenant && chosen === null
          ? { ...settings, [oauth.tenantSetting]: decision.tenant.id }
          : settings,
      status: decision.ready ? 'active' : 'needs_tenant',
      pausedReason: null,
      pausedAt: null,
      authorizedAt: at,
      authorizedAccount: reach?.account ?? null,
      tenantName: decision.tenant?.name ?? (reach === null && chosen !== null ? stored.tenant_name : null),
    },
    at,
  );
  const as = reach?.account ? ` as ${reach.account}` : '';
  const resumed = row.status === 'paused' ? '; it was paused and is active again' : '';
  const common = {
    connectionId,
    appTitle: app.title,
    account: reach?.account ?? null,
    tenantNoun: oauth.tenantNoun,
    tenant: decision.tenant,
    tenants: reach?.tenants ?? [],
  };
  if (decision.ready) {
    const which = decision.tenant
      ? `${oauth.tenantNoun} ${decision.tenant.id} (${decision.tenant.name})`
      : `${oauth.tenantNoun} ${chosen}`;
    return {
      outcome: 'connected',
      httpStatus: 200,
      code: 'oauth.connected',
      message: `Connected ${connectionId} to ${app.title}${as}, ${which}${resumed}`,
      ...common,
    };
  }
  const problem =
    reach === null
      ? `its ${oauth.tenantNoun}s could not be listed (${reachFailure}); `
      : chosen !== null
        ? `${oauth.tenantNoun} ${chosen} is not one it reaches (${describeTenants(reach.tenants)}); `
        : reach.tenants.length === 0
          ? `it reaches no ${oauth.tenantNoun}, so authorize again and grant one; `
          : `it reaches ${describeTenants(reach.tenants)}; `;
  return {
    outcome: 'needs_tenant',
    httpStatus: 200,
    code: 'oauth.needs_tenant',
    message: `Authorized ${connectionId} at ${app.title}${as}, but ${problem}${chooseTenantHint(connectionId, app)}`,
    ...common,
  };
}

/**
 * The tenant after an authorization: the one set, when the grant reaches it (or when the grant's
 * tenants could not be listed: trust the setting, a run will tell); else the only one reachable.
 */
function decideTenant(
  chosen: number | null,
  reach: GrantReach | null,
): { ready: boolean; tenant: Tenant | null } {
  if (reach === null) return { ready: chosen !== null, tenant: null };
  if (chosen !== null) {
    const tenant = reach.tenants.find((t) => t.id === chosen) ?? null;
    return { ready: tenant !== null, tenant };
  }
  const only = reach.tenants.length === 1 ? (reach.tenants[0] ?? null) : null;
  return { ready: only !== null, tenant: only };
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
