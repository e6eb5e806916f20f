import type { ConnectorContext } from '../kit/connector-context.js';
import { authorizeUrl, exchangeCode, tokenRefresher, type OAuthProvider } from '../kit/token-endpoint.js';
import type { TokenLeasePolicy } from '../kit/token-lease.js';

/** Where Exact's OAuth endpoints live and which app registration talks to them. */
export interface ExactApp {
  /** Country host, e.g. https://start.exactonline.nl, or a sandbox's base URL (reference 1.1). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Exact's rules (reference 2.2): access tokens live 600 s; a pair may be refreshed 570 s after it
 * was issued (so refresh in the last 30 s); an unused refresh token dies after 30 days, so an idle
 * connection refreshes after 25. A token refused with a 401 right after it was issued (revoked, or
 * Exact's clock ahead of ours) can only be replaced once the 570 s have passed: a caller waits up
 * to a whole token lifetime and a minute for that.
 */
export const exactTokenPolicy: TokenLeasePolicy = {
  earliestRefreshAgeMs: 570_000,
  refreshMarginMs: 30_000,
  keepAliveAfterMs: 25 * 86_400_000,
  tooEarlyMaxWaitMs: 660_000,
};

/**
 * Exact's OAuth2 (reference 2.1, 2.3): a reused or expired refresh token, or a broken chain, means
 * the grant is gone; `TooEarlyToRefreshTokens` (the 570-second rule) means not yet.
 */
export function exactOAuth(app: ExactApp): OAuthProvider {
  return {
    title: 'Exact Online',
    codePrefix: 'exact',
    authorizeUrl: new URL('/api/oauth2/auth', app.baseUrl),
    tokenUrl: new URL('/api/oauth2/token', app.baseUrl),
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    defaultLifetimeSeconds: 600,
    readRefusal: ({ res, body, said }) => {
      if (
        /TooEarlyToRefreshTokens/i.test(res.headers.get('reason') ?? '') ||
        /access_token not expired/i.test(body.error_description ?? '')
      ) {
        return { kind: 'too_early', message: said };
      }
      if (
        res.status === 401 ||
        body.error === 'invalid_grant' ||
        /refresh token expired/i.test(body.error_description ?? '')
      ) {
        return { kind: 'grant_gone', message: said };
      }
      return null;
    },
  };
}

export const exactAuthorizeUrl = (app: ExactApp, redirectUri: string, state: string) =>
  authorizeUrl(exactOAuth(app), redirectUri, state);
export const exchangeExactCode = (ctx: ConnectorContext, app: ExactApp, code: string, redirectUri: string) =>
  exchangeCode(ctx, exactOAuth(app), code, redirectUri);
export const exactTokenRefresher = (ctx: ConnectorContext, app: ExactApp) =>
  tokenRefresher(ctx, exactOAuth(app));
