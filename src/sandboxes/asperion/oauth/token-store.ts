import { randomBytes } from 'node:crypto';

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  username: string;
  scope: string;
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  clientId: string;
  username: string;
  scope: string;
  expiresAt: number;
}

/** Codes, access tokens and refresh tokens by value. Codes and rotated refresh tokens are deleted on use. */
export interface TokenStore {
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, IssuedToken>;
  refreshTokens: Map<string, IssuedToken>;
}

export function createTokenStore(): TokenStore {
  return { codes: new Map(), accessTokens: new Map(), refreshTokens: new Map() };
}

/** Opaque random token text; tokens need no determinism, only unguessability. */
export function newTokenValue(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

export function issueTokenPair(
  store: TokenStore,
  grant: { clientId: string; username: string; scope: string },
  now: number,
  ttl: { accessSeconds: number; refreshSeconds: number },
): TokenPair {
  const access = newTokenValue();
  const refresh = newTokenValue();
  store.accessTokens.set(access, { token: access, ...grant, expiresAt: now + ttl.accessSeconds * 1000 });
  store.refreshTokens.set(refresh, { token: refresh, ...grant, expiresAt: now + ttl.refreshSeconds * 1000 });
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: ttl.accessSeconds,
    refresh_token: refresh,
    scope: grant.scope,
  };
}
