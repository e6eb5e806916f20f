import { defaultExactClientId, defaultExactClientSecret, sandboxUser } from '../credentials.js';
import type { ExactSettings } from '../settings.js';
import type { Grant, TokenStore } from './token-store.js';

/** What `POST /api/oauth2/token` answers: a JSON body, or plain text for the reused-code case. */
export interface TokenAnswer {
  status: number;
  body: Record<string, string> | string;
  headers?: Record<string, string>;
}

const invalidRequest: TokenAnswer = { status: 400, body: { error: 'invalid_request' } };
const invalidGrant: TokenAnswer = {
  status: 400,
  body: {
    error: 'invalid_grant',
    error_description: 'Token is not allowed, because of invalid or empty chainId',
  },
};

/**
 * The token endpoint with every error body of reference 2.3. `form` is the decoded
 * `application/x-www-form-urlencoded` body; client credentials travel in it, not in Basic auth.
 */
export function answerTokenRequest(
  form: URLSearchParams,
  store: TokenStore,
  settings: ExactSettings,
  nowMs: number,
): TokenAnswer {
  const clientId = form.get('client_id');
  if (clientId !== defaultExactClientId || form.get('client_secret') !== defaultExactClientSecret) {
    return invalidRequest;
  }
  // Every call with a known client counts, failed ones included (reference 2.2: 200 a day).
  if (store.countTokenCall(clientId, sandboxUser.userId, nowMs) > settings.tokenCallsPerDay) {
    // The body of this refusal is not documented; the early-refresh shape is the closest known one.
    return {
      status: 400,
      body: { error: 'access_denied', error_description: 'Rate limit exceeded: too many token requests' },
    };
  }
  switch (form.get('grant_type')) {
    case 'authorization_code':
      return exchangeCode(form, clientId, store, settings, nowMs);
    case 'refresh_token':
      return refresh(form, clientId, store, settings, nowMs);
    default:
      return invalidRequest;
  }
}

function exchangeCode(
  form: URLSearchParams,
  clientId: string,
  store: TokenStore,
  settings: ExactSettings,
  nowMs: number,
): TokenAnswer {
  const code = store.codes.get(form.get('code') ?? '');
  if (!code || code.clientId !== clientId || code.expiresMs <= nowMs) return invalidGrant;
  // A second use of a code answers a bare "Bad Request" (reference 2.3, picqer README).
  if (code.used) return { status: 400, body: 'Bad Request' };
  if (form.get('redirect_uri') !== code.redirectUri) return invalidRequest;
  code.used = true;
  const grant = store.newGrant(clientId, sandboxUser.userId, code.divisions);
  return success(grant, store, settings, nowMs);
}

function refresh(
  form: URLSearchParams,
  clientId: string,
  store: TokenStore,
  settings: ExactSettings,
  nowMs: number,
): TokenAnswer {
  const token = store.refreshTokens.get(form.get('refresh_token') ?? '');
  if (!token || token.grant.clientId !== clientId) return invalidGrant;
  if (token.used) {
    return {
      status: 401,
      body: { error: 'unauthorized_client', error_description: 'Old refresh token used.' },
    };
  }
  const expiresMs = token.issuedMs + settings.refreshTokenIdleDays * 86_400_000;
  if (expiresMs <= nowMs) {
    return {
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: `The refresh token expired at ${new Date(expiresMs).toISOString()} and it is now ${new Date(nowMs).toISOString()}.`,
      },
    };
  }
  const ageMs = nowMs - token.grant.lastAccessIssuedMs;
  if (ageMs < settings.earliestRefreshAgeSeconds * 1000) {
    // Refused early refreshes leave the refresh token usable (reference 2.2, S11 #31).
    return {
      status: 400,
      body: { error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' },
      headers: {
        Reason: `TooEarlyToRefreshTokens: a new access token can be requested ${settings.earliestRefreshAgeSeconds} seconds after the previous one`,
      },
    };
  }
  token.used = true;
  return success(token.grant, store, settings, nowMs);
}

function success(grant: Grant, store: TokenStore, settings: ExactSettings, nowMs: number): TokenAnswer {
  const pair = store.issuePair(grant, nowMs, settings.accessTokenLifetimeSeconds);
  return {
    status: 200,
    body: {
      access_token: pair.accessToken,
      token_type: 'bearer',
      // A string, as Exact sends it (reference 2.1).
      expires_in: String(settings.accessTokenLifetimeSeconds),
      refresh_token: pair.refreshToken,
    },
  };
}
