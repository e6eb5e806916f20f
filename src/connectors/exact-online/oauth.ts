import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
import { postTokenForm } from '../kit/token-endpoint.js';
import type { RefreshOutcome, TokenLeasePolicy, TokenRefresher, TokenSet } from '../kit/token-lease.js';

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
 * connection refreshes after 25.
 */
export const exactTokenPolicy: TokenLeasePolicy = {
  earliestRefreshAgeMs: 570_000,
  refreshMarginMs: 30_000,
  keepAliveAfterMs: 25 * 86_400_000,
};

/** The consent page URL to send a person to (reference 2.1). */
export function exactAuthorizeUrl(app: ExactApp, redirectUri: string, state: string): string {
  const url = new URL('/api/oauth2/auth', app.baseUrl);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state,
  }).toString();
  return url.toString();
}

/** Trade the code from the consent redirect for the first token pair. */
export async function exchangeExactCode(
  ctx: ConnectorContext,
  app: ExactApp,
  code: string,
  redirectUri: string,
): Promise<TokenSet> {
  const outcome = await tokenCall(ctx, app, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  if (outcome.kind !== 'refreshed') {
    throw new KoppelError(`Exact refused the authorization code: ${outcome.message}`, {
      code: 'exact.code_refused',
      kind: 'auth',
    });
  }
  return outcome.tokens;
}

/** One refresh token call, for the token lease. */
export function exactTokenRefresher(ctx: ConnectorContext, app: ExactApp): TokenRefresher {
  return {
    refresh: (refreshToken) =>
      tokenCall(ctx, app, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

/**
 * POST /api/oauth2/token (reference 2.1) and its answers as outcomes (reference 2.3): a reused or
 * expired refresh token, or a broken chain, means the grant is gone; `TooEarlyToRefreshTokens` means
 * not yet; 429, 5xx and network failures are transient. Messages carry Exact's text, never a token.
 */
async function tokenCall(
  ctx: ConnectorContext,
  app: ExactApp,
  params: Record<string, string>,
): Promise<RefreshOutcome> {
  const where = 'POST /api/oauth2/token';
  const { res, body, said, tokens } = await postTokenForm(
    ctx,
    new URL('/api/oauth2/token', app.baseUrl),
    { ...params, client_id: app.clientId, client_secret: app.clientSecret },
    { codePrefix: 'exact', defaultLifetimeSeconds: 600 },
  );
  if (tokens) return { kind: 'refreshed', tokens };
  if (res.status === 429 || res.status >= 500) {
    throw new KoppelError(`${where} answered ${res.status}: ${said}`, {
      code: 'exact.token_unavailable',
      kind: 'transient',
    });
  }
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
  throw new KoppelError(`${where} answered ${res.status}: ${said} (check the app's client id and secret)`, {
    code: 'exact.token_refused',
    kind: 'auth',
  });
}
