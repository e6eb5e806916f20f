import type { ConnectorContext } from '../kit/connector-context.js';
import { authorizeUrl, exchangeCode, tokenRefresher, type OAuthProvider } from '../kit/token-endpoint.js';
import type { TokenLeasePolicy } from '../kit/token-lease.js';

/** Where Asperion's identity server lives (reference 1.3, 7) and which app registration is used. */
export interface AsperionApp {
  identityBaseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Asperion publishes no minimum token age; refresh a minute before expiry, and keep an idle grant
 * alive weekly since refresh-token lifetimes are unknown (reference 5). Its identity server has no
 * "too early" answer; the bound only matters should one appear.
 */
export const asperionTokenPolicy: TokenLeasePolicy = {
  earliestRefreshAgeMs: 0,
  refreshMarginMs: 60_000,
  keepAliveAfterMs: 7 * 86_400_000,
  tooEarlyMaxWaitMs: 60_000,
};

/** Asperion's identity server (reference 1.3): a used, unknown or expired grant is `invalid_grant`. */
export function asperionOAuth(app: AsperionApp, scope = 'openid offline_access api'): OAuthProvider {
  return {
    title: 'Asperion',
    codePrefix: 'asperion',
    authorizeUrl: new URL('/connect/authorize', app.identityBaseUrl),
    tokenUrl: new URL('/connect/token', app.identityBaseUrl),
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    defaultLifetimeSeconds: 3600,
    extraAuthorizeParams: { scope },
    readRefusal: ({ body, said }) =>
      body.error === 'invalid_grant' ? { kind: 'grant_gone', message: said } : null,
  };
}

export const asperionAuthorizeUrl = (app: AsperionApp, redirectUri: string, state: string, scope?: string) =>
  authorizeUrl(asperionOAuth(app, scope), redirectUri, state);
export const exchangeAsperionCode = (
  ctx: ConnectorContext,
  app: AsperionApp,
  code: string,
  redirectUri: string,
) => exchangeCode(ctx, asperionOAuth(app), code, redirectUri);
export const asperionTokenRefresher = (ctx: ConnectorContext, app: AsperionApp) =>
  tokenRefresher(ctx, asperionOAuth(app));
