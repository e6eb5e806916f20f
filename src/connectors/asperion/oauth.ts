import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { postTokenForm } from '../kit/token-endpoint.js';
import type { RefreshOutcome, TokenLeasePolicy, TokenRefresher, TokenSet } from '../kit/token-lease.js';

/** Where Asperion's identity server lives (reference 1.3, 7) and which app registration is used. */
export interface AsperionApp {
  identityBaseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Asperion publishes no minimum token age; refresh a minute before expiry, and keep an idle grant
 * alive weekly since refresh-token lifetimes are unknown (reference 5).
 */
export const asperionTokenPolicy: TokenLeasePolicy = {
  earliestRefreshAgeMs: 0,
  refreshMarginMs: 60_000,
  keepAliveAfterMs: 7 * 86_400_000,
};

export function asperionAuthorizeUrl(
  app: AsperionApp,
  redirectUri: string,
  state: string,
  scope = 'openid offline_access api',
): string {
  const url = new URL('/connect/authorize', app.identityBaseUrl);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
  }).toString();
  return url.toString();
}

export async function exchangeAsperionCode(
  ctx: ConnectorContext,
  app: AsperionApp,
  code: string,
  redirectUri: string,
): Promise<TokenSet> {
  const outcome = await tokenCall(ctx, app, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  if (outcome.kind !== 'refreshed')
    throw new KoppelError(`Asperion refused the authorization code: ${outcome.message}`, {
      code: 'asperion.code_refused',
      kind: 'auth',
    });
  return outcome.tokens;
}

export function asperionTokenRefresher(ctx: ConnectorContext, app: AsperionApp): TokenRefresher {
  return {
    refresh: (refreshToken) =>
      tokenCall(ctx, app, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

/** POST /connect/token with the client secret in the form body (reference 1.3). */
async function tokenCall(
  ctx: ConnectorContext,
  app: AsperionApp,
  params: Record<string, string>,
): Promise<RefreshOutcome> {
  const where = 'POST /connect/token';
  const { res, body, said, tokens } = await postTokenForm(
    ctx,
    new URL('/connect/token', app.identityBaseUrl),
    { ...params, client_id: app.clientId, client_secret: app.clientSecret },
    { codePrefix: 'asperion', defaultLifetimeSeconds: 3600 },
  );
  if (tokens) return { kind: 'refreshed', tokens };
  if (res.status === 429 || res.status >= 500) {
    throw new KoppelError(`${where} answered ${res.status}: ${said}`, {
      code: 'asperion.token_unavailable',
      kind: 'transient',
    });
  }
  if (body.error === 'invalid_grant') return { kind: 'grant_gone', message: said };
  throw new KoppelError(`${where} answered ${res.status}: ${said} (check the app's client id and secret)`, {
    code: 'asperion.token_refused',
    kind: 'auth',
  });
}
