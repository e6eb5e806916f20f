import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from '../kit/connector-context.js';
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

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: string;
  error_description?: string;
}

/**
 * POST /api/oauth2/token, form-encoded with the client credentials in the body (reference 2.1),
 * and its answers as outcomes (reference 2.3): a reused or expired refresh token, or a broken chain,
 * means the grant is gone; `TooEarlyToRefreshTokens` means not yet; 429, 5xx and network failures
 * are transient. Error messages carry Exact's text, never a token.
 */
async function tokenCall(
  ctx: ConnectorContext,
  app: ExactApp,
  params: Record<string, string>,
): Promise<RefreshOutcome> {
  const where = 'POST /api/oauth2/token';
  let res: Response;
  try {
    res = await ctx.fetch(new URL('/api/oauth2/token', app.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ ...params, client_id: app.clientId, client_secret: app.clientSecret }),
    });
  } catch (cause) {
    throw new KoppelError(`${where} failed: ${(cause as Error).message}`, {
      code: 'exact.network',
      kind: 'transient',
      cause,
    });
  }
  const text = await res.text();
  let body: TokenBody = {};
  try {
    body = text ? (JSON.parse(text) as TokenBody) : {};
  } catch {
    body = {};
  }
  const said =
    [body.error, body.error_description].filter(Boolean).join(': ') || text.slice(0, 120) || res.statusText;
  if (res.ok && body.access_token && body.refresh_token) {
    const now = ctx.clock.now();
    const lifetimeMs = Number(body.expires_in ?? 600) * 1000;
    return {
      kind: 'refreshed',
      tokens: {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
      },
    };
  }
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
