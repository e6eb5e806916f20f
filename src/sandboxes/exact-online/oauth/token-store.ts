import { randomBytes } from 'node:crypto';

/**
 * Authorization codes, grants and tokens of one sandbox, in memory. A grant is one consent (client,
 * user, division scope); every token call on it rotates the refresh token (reference 2.2).
 */
export interface Grant {
  id: string;
  clientId: string;
  userId: string;
  divisions: number[];
  /** When the newest access token of this grant was issued: the 570-second rule counts from here. */
  lastAccessIssuedMs: number;
}

export interface AccessToken {
  grant: Grant;
  expiresMs: number;
}

export interface RefreshToken {
  grant: Grant;
  issuedMs: number;
  used: boolean;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  divisions: number[];
  expiresMs: number;
  used: boolean;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** Opaque text in the shapes Exact's tokens have (`AAEA…`, `Gcp7!IAAA…`, codes with `!`). */
function opaque(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export class TokenStore {
  readonly codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly tokenCalls = new Map<string, number>();
  private grantCount = 0;

  issueCode(code: Omit<AuthorizationCode, 'used'>): string {
    const text = opaque('stampNL001.', 6) + '!' + opaque('IAAA', 48);
    this.codes.set(text, { ...code, used: false });
    return text;
  }

  newGrant(clientId: string, userId: string, divisions: number[]): Grant {
    this.grantCount += 1;
    return { id: `grant-${this.grantCount}`, clientId, userId, divisions, lastAccessIssuedMs: 0 };
  }

  /** Issue a fresh pair on a grant; the caller has already retired the previous refresh token. */
  issuePair(grant: Grant, nowMs: number, lifetimeSeconds: number): TokenPair {
    const accessToken = opaque('AAEA', 96);
    const refreshToken = opaque('Gcp7!IAAA', 64);
    grant.lastAccessIssuedMs = nowMs;
    this.accessTokens.set(accessToken, { grant, expiresMs: nowMs + lifetimeSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { grant, issuedMs: nowMs, used: false });
    return { accessToken, refreshToken };
  }

  /** The live access token, or undefined when unknown or expired (expiry is fixed from issue). */
  findAccessToken(token: string, nowMs: number): AccessToken | undefined {
    const found = this.accessTokens.get(token);
    return found && found.expiresMs > nowMs ? found : undefined;
  }

  /** The client id an access token was issued to, live or expired (unknown and revoked ones: none). */
  clientIdOf(token: string): string | undefined {
    return this.accessTokens.get(token)?.grant.clientId;
  }

  /**
   * Revoke `token`, or every access token when none is named, as Exact does when a user's access
   * is withdrawn: the API answers them 401 like an unknown token. Refresh tokens stay usable, and
   * the 570-second rule still counts from the revoked token's issue. Answers how many were live.
   */
  revokeAccessTokens(nowMs: number, token?: string): number {
    const targets = token === undefined ? [...this.accessTokens.keys()] : [token];
    let revoked = 0;
    for (const t of targets) {
      if (this.findAccessToken(t, nowMs)) revoked += 1;
      this.accessTokens.delete(t);
    }
    return revoked;
  }

  /** Count one token call for (client, user, UTC day); returns the count including this one. */
  countTokenCall(clientId: string, userId: string, nowMs: number): number {
    const key = `${clientId}|${userId}|${new Date(nowMs).toISOString().slice(0, 10)}`;
    const count = (this.tokenCalls.get(key) ?? 0) + 1;
    this.tokenCalls.set(key, count);
    return count;
  }
}
