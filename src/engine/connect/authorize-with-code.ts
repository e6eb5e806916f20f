import type { GrantReach, Tenant } from '../../connectors/kit/app-descriptor.js';
import { tokensToCredentials } from '../../connectors/kit/token-lease.js';
import { toKoppelError } from '../../core/errors.js';
import { updateConnection } from '../../store/repos/connections.js';
import type { OAuthStateRow } from '../../store/repos/oauth-states.js';
import { chooseTenantHint, tenantOf } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { failed, type AuthorizationOutcome, type CallbackInput } from './authorization-outcome.js';
import { appOf, connectionRow, contextFor, oauthOf } from './connection-access.js';
import { describeTenants } from './describe-tenants.js';

/**
 * Trade the code for a token pair and settle the connection: the pair stored encrypted, merged
 * into the credentials (the client and webhook secrets stay); `active` when its tenant is set and
 * the grant reaches it (the only tenant reachable is chosen), else `needs_tenant`; a pause ends.
 * A refusal at the provider (`error=` on the redirect) connects nothing and says so.
 */
export async function authorizeWithCode(
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
