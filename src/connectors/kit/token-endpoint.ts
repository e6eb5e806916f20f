import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from './connector-context.js';
import type { TokenSet } from './token-lease.js';

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
  try {
    body = text ? (JSON.parse(text) as TokenBody) : {};
  } catch {
    body = {};
  }
  const said =
    [body.error, body.error_description].filter(Boolean).join(': ') || text.slice(0, 120) || res.statusText;
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
