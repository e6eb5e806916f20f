import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from './connector-context.js';
import type { RefreshOutcome, TokenRefresher, TokenSet } from './token-lease.js';

export interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: string;
  error_description?: string;
}

export interface TokenAnswer {
  res: Response;
  body: TokenBody;
  /** The provider's words for a refusal (`error: description`), for messages. Never a token. */
  said: string;
  /** The new pair, when the answer issued one. */
  tokens: TokenSet | null;
}

/**
 * One OAuth2 token call: the form-encoded POST with the client credentials in the body (both
 * providers want them there), the answer read leniently. Interpreting refusals is the provider's
 * job; a network failure is transient.
 */
export async function postTokenForm(
  ctx: ConnectorContext,
  url: URL,
  params: Record<string, string>,
  options: { codePrefix: string; defaultLifetimeSeconds: number },
): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params),
    });
  } catch (cause) {
    throw new KoppelError(`POST ${url.pathname} failed: ${(cause as Error).message}`, {
      code: `${options.codePrefix}.network`,
      kind: 'transient',
      cause,
    });
  }
  const text = await res.text();
  let body: TokenBody = {};
  let json = false;
  try {
    body = text ? (JSON.parse(text) as TokenBody) : {};
    json = text !== '';
  } catch {
    body = {};
  }
  // Only the provider's error fields or a plain-text refusal are quoted: a JSON answer (say, a 200
  // with an access token but no refresh token) may carry a token nobody has registered as secret.
  const said =
    [body.error, body.error_description].filter(Boolean).join(': ') ||
    (res.ok || json ? '' : text.slice(0, 120)) ||
    res.statusText ||
    `status ${res.status}`;
  let tokens: TokenSet | null = null;
  if (res.ok && body.access_token && body.refresh_token) {
    // expires_in is a string at Exact (reference 2.1) and a number elsewhere.
    const now = ctx.clock.now();
    const lifetimeMs = Number(body.expires_in ?? options.defaultLifetimeSeconds) * 1000;
    tokens = {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
    };
  }
  return { res, body, said, tokens };
}

/** One provider's OAuth2 endpoints and app registration, and how it words a refusal. */
export interface OAuthProvider {
  /** For messages: "Exact Online", "Asperion". */
  title: string;
  /** Error codes start with it: `exact.token_refused`. */
  codePrefix: string;
  authorizeUrl: URL;
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  defaultLifetimeSeconds: number;
  extraAuthorizeParams?: Record<string, string>;
  /** "Not yet" or "the grant is gone", from a refusal; null when the app itself is refused. */
  readRefusal(answer: TokenAnswer): RefreshOutcome | null;
}

/** The consent page to send a person to. */
export function authorizeUrl(p: OAuthProvider, redirectUri: string, state: string): string {
  const url = new URL(p.authorizeUrl);
  url.search = new URLSearchParams({
    client_id: p.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    ...p.extraAuthorizeParams,
    state,
  }).toString();
  return url.toString();
}

/** Trade the code from the consent redirect for the first token pair. */
export async function exchangeCode(
  ctx: ConnectorContext,
  p: OAuthProvider,
  code: string,
  redirectUri: string,
): Promise<TokenSet> {
  const outcome = await tokenCall(
    ctx,
    p,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    },
    'code',
  );
  if (outcome.kind !== 'refreshed') {
    throw new KoppelError(`${p.title} refused the authorization code: ${outcome.message}`, {
      code: `${p.codePrefix}.code_refused`,
      kind: 'auth',
    });
  }
  return outcome.tokens;
}

/**
 * Refresh calls for the token lease. A grant that is gone is said in a sentence people can act on
 * ("Exact Online refused the refresh token (Old refresh token used)"): it becomes the paused
 * connection's reason.
 */
export function tokenRefresher(ctx: ConnectorContext, p: OAuthProvider): TokenRefresher {
  return {
    refresh: async (refreshToken) => {
      const outcome = await tokenCall(ctx, p, { grant_type: 'refresh_token', refresh_token: refreshToken });
      if (outcome.kind !== 'grant_gone') return outcome;
      return {
        ...outcome,
        message: `${p.title} refused the refresh token (${outcome.message.replace(/\.$/, '')})`,
      };
    },
  };
}

/**
 * A token call as an outcome: new tokens; a refusal the provider reads as "not yet" or "grant
 * gone"; 429, 5xx and network failures are transient; any other refusal means the code was bad
 * (during an exchange) or the app's registration is wrong (kind auth). Messages carry the provider's text, never a token.
 */
async function tokenCall(
  ctx: ConnectorContext,
  p: OAuthProvider,
  params: Record<string, string>,
  /** What a plain refusal means: a bad code (single use, short-lived) or a misconfigured app. */
  refusalBlames: 'code' | 'app' = 'app',
): Promise<RefreshOutcome> {
  const where = `POST ${p.tokenUrl.pathname}`;
  const answer = await postTokenForm(
    ctx,
    p.tokenUrl,
    { ...params, client_id: p.clientId, client_secret: p.clientSecret },
    p,
  );
  if (answer.tokens) return { kind: 'refreshed', tokens: answer.tokens };
  const { res, said } = answer;
  if (res.status === 429 || res.status >= 500) {
    throw new KoppelError(`${where} answered ${res.status}: ${said}`, {
      code: `${p.codePrefix}.token_unavailable`,
      kind: 'transient',
    });
  }
  const refusal = p.readRefusal(answer);
  if (refusal) return refusal;
  if (refusalBlames === 'code') return { kind: 'grant_gone', message: said };
  throw new KoppelError(`${where} answered ${res.status}: ${said} (check the app's client id and secret)`, {
    code: `${p.codePrefix}.token_refused`,
    kind: 'auth',
  });
}
