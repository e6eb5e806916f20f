import { KoppelError } from '../../core/errors.js';
import type { ConnectorContext } from './connector-context.js';

/** An OAuth2 token pair as a connection stores it (in its encrypted credentials). */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token stops working. */
  expiresAt: string;
  /** ISO time this pair was issued (the refresh token's age counts from here). */
  issuedAt: string;
}

/** What the provider said to a refresh: new tokens, "not yet", or "this grant is gone". */
export type RefreshOutcome =
  | { kind: 'refreshed'; tokens: TokenSet }
  | { kind: 'too_early'; message: string }
  | { kind: 'grant_gone'; message: string };

/** The provider-specific part: one token call. Transient failures are thrown as KoppelErrors. */
export interface TokenRefresher {
  refresh(refreshToken: string): Promise<RefreshOutcome>;
}

export interface TokenLeasePolicy {
  /** A pair younger than this may not be refreshed unless its access token has expired (Exact: 570 s). */
  earliestRefreshAgeMs: number;
  /** Refresh this long before the access token expires. */
  refreshMarginMs: number;
  /** Refresh a pair this old even if unused, so an idle refresh token never expires (Exact: 30 days). */
  keepAliveAfterMs: number;
}

const fields = {
  accessToken: 'accessToken',
  refreshToken: 'refreshToken',
  expiresAt: 'accessTokenExpiresAt',
  issuedAt: 'tokensIssuedAt',
} as const;

export function tokensToCredentials(t: TokenSet): Record<string, string> {
  return {
    [fields.accessToken]: t.accessToken,
    [fields.refreshToken]: t.refreshToken,
    [fields.expiresAt]: t.expiresAt,
    [fields.issuedAt]: t.issuedAt,
  };
}

export function tokensFromCredentials(c: Record<string, string>): TokenSet | null {
  const t = {
    accessToken: c[fields.accessToken],
    refreshToken: c[fields.refreshToken],
    expiresAt: c[fields.expiresAt],
    issuedAt: c[fields.issuedAt],
  };
  return t.accessToken && t.refreshToken && t.expiresAt && t.issuedAt ? (t as TokenSet) : null;
}

/**
 * The access token of one connection, refreshed at most once however many callers (and processes)
 * find it stale: the connection's credential lock lets one caller at a time through, in this
 * process and across processes, and each re-reads the stored pair inside the lock, so whoever comes
 * after the refresh finds the rotated pair and makes no token call. A rotated pair is saved before it
 * is used. A grant that is gone raises `oauth.reauthorization_required` (kind auth: the engine
 * pauses the connection and alerts); it is never retried.
 */
export class TokenLease {
  private current: TokenSet | null;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly refresher: TokenRefresher,
    private readonly policy: TokenLeasePolicy,
  ) {
    this.current = tokensFromCredentials(ctx.credentials);
  }

  /** A usable access token, refreshing first when it is (nearly) expired. */
  async accessToken(): Promise<string> {
    if (this.current && this.isFresh(this.current)) return this.current.accessToken;
    return (await this.refreshShared(false)).accessToken;
  }

  /** After a 401 on a token we believed valid: refresh unless someone already did. */
  async afterUnauthorized(rejected: string): Promise<string> {
    if (this.current && this.current.accessToken !== rejected && this.isFresh(this.current))
      return this.current.accessToken;
    return (await this.refreshShared(true, rejected)).accessToken;
  }

  /**
   * Refresh an idle pair (issued more than `olderThanMs` ago) before its refresh token expires;
   * true when this call refreshed it. With no pair stored there is nothing to keep alive.
   */
  async keepAlive(olderThanMs = this.policy.keepAliveAfterMs): Promise<boolean> {
    const t = this.current ?? tokensFromCredentials(await this.ctx.readCredentials());
    if (!t || this.ageMs(t) < olderThanMs) return false;
    let refreshed = false;
    this.current = await this.ctx.withCredentialLock(async () => {
      // Someone (another job, a run, another process) may have renewed it while we waited.
      const stored = tokensFromCredentials(await this.ctx.readCredentials());
      if (stored && this.ageMs(stored) < olderThanMs) return stored;
      refreshed = true;
      return this.refreshLocked(true);
    });
    return refreshed;
  }

  private async refreshShared(force: boolean, rejected?: string): Promise<TokenSet> {
    this.current = await this.ctx.withCredentialLock(() => this.refreshLocked(force, rejected));
    return this.current;
  }

  private async refreshLocked(force: boolean, rejected?: string): Promise<TokenSet> {
    const stored = tokensFromCredentials(await this.ctx.readCredentials());
    if (!stored) throw reauthorization(this.ctx, 'no tokens are stored for this connection');
    // Another caller or process may have refreshed while we waited for the lock.
    const rotatedMeanwhile = rejected !== undefined && stored.accessToken !== rejected;
    if (this.isFresh(stored) && (!force || rotatedMeanwhile)) return stored;
    if (!this.isExpired(stored) && this.ageMs(stored) < this.policy.earliestRefreshAgeMs) return stored;
    let outcome = await this.refresher.refresh(stored.refreshToken);
    if (outcome.kind === 'too_early') {
      // The provider counts age differently than we do: use the pair while it works, else wait once.
      if (!this.isExpired(stored)) return stored;
      await this.ctx.clock.sleep(Math.max(1_000, this.policy.earliestRefreshAgeMs - this.ageMs(stored)));
      outcome = await this.refresher.refresh(stored.refreshToken);
    }
    if (outcome.kind === 'grant_gone') throw reauthorization(this.ctx, outcome.message);
    if (outcome.kind === 'too_early') {
      throw new KoppelError(`Token refresh refused as too early: ${outcome.message}`, {
        code: 'oauth.too_early',
        kind: 'transient',
        retryAfterMs: 30_000,
      });
    }
    const fresh = await this.ctx.readCredentials();
    await this.ctx.saveCredentials({ ...fresh, ...tokensToCredentials(outcome.tokens) });
    return outcome.tokens;
  }

  private isFresh(t: TokenSet): boolean {
    return this.ctx.clock.now().getTime() < new Date(t.expiresAt).getTime() - this.policy.refreshMarginMs;
  }

  private isExpired(t: TokenSet): boolean {
    return this.ctx.clock.now().getTime() >= new Date(t.expiresAt).getTime();
  }

  private ageMs(t: TokenSet): number {
    return this.ctx.clock.now().getTime() - new Date(t.issuedAt).getTime();
  }
}

function reauthorization(ctx: ConnectorContext, why: string): KoppelError {
  return new KoppelError(`Connection ${ctx.connectionId} must be authorized again: ${why}`, {
    code: 'oauth.reauthorization_required',
    kind: 'auth',
    // Why, without the connection: the sentence a paused connection shows.
    details: { connectionId: ctx.connectionId, why },
  });
}
