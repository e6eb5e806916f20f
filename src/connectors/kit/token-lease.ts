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
  /**
   * How long, in all, a caller whose token is refused waits for a provider that answers "too early"
   * to a refresh (Exact: the 570-second rule, reference 2.2) before the call fails as transient.
   */
  tooEarlyMaxWaitMs: number;
}

/** Where API calls get their bearer token, and a new one after the provider refused it with a 401. */
export interface AccessTokens {
  accessToken(): Promise<string>;
  afterUnauthorized(rejected: string): Promise<string>;
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

/** What one turn inside the credential lock ended with. */
type LockedStep =
  { kind: 'usable'; tokens: TokenSet } | { kind: 'too_early'; stored: TokenSet; message: string };

/** After a "too early" with no expiry in sight, try again this often (within `tooEarlyMaxWaitMs`). */
const tooEarlyRetryMs = 30_000;

/**
 * The access token of one connection, refreshed at most once however many callers (and processes)
 * find it stale: the connection's credential lock lets one caller at a time through, in this
 * process and across processes, and each re-reads the stored pair inside the lock, so whoever comes
 * after the refresh finds the rotated pair and makes no token call. A rotated pair is saved before it
 * is used. A grant that is gone raises `oauth.reauthorization_required` (kind auth: the engine
 * pauses the connection and alerts); it is never retried.
 *
 * The server's 401 is trusted over our own idea of the token's age (its clock may be ahead of ours,
 * or it revoked the token): `afterUnauthorized` refreshes unless someone already did. When the
 * provider answers that refresh with "too early", the caller waits until the provider may allow it
 * (bounded by `tooEarlyMaxWaitMs`, cut short by the run's signal) and tries again. It waits outside
 * the lock, whose time-to-live is short, and re-reads inside it afterwards, so a refresh made by
 * another process meanwhile is used, never repeated with a spent refresh token.
 */
export class TokenLease implements AccessTokens {
  private current: TokenSet | null;
  /** The recovery from a 401 under way in this lease, waits included: callers refused the same token join it. */
  private recovering: { rejected: string; done: Promise<TokenSet> } | null = null;

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
    return (await this.refreshUntilUsable(undefined)).accessToken;
  }

  /** After a 401 on `rejected`: a new token, refreshed unless someone already did. */
  async afterUnauthorized(rejected: string): Promise<string> {
    if (this.current && this.current.accessToken !== rejected && this.isFresh(this.current))
      return this.current.accessToken;
    let entry = this.recovering;
    if (entry?.rejected !== rejected) {
      const recovery = { rejected, done: this.refreshUntilUsable(rejected) };
      const forget = () => {
        if (this.recovering === recovery) this.recovering = null;
      };
      void recovery.done.then(forget, forget);
      entry = this.recovering = recovery;
    }
    return (await entry.done).accessToken;
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
      const stored = await this.readStored();
      if (this.ageMs(stored) < olderThanMs) return stored;
      const outcome = await this.refresh(stored);
      // "Too early" means the provider issued a token lately: nothing idle to keep alive.
      if (outcome.kind === 'too_early') return stored;
      refreshed = true;
      return outcome.tokens;
    });
    return refreshed;
  }

  /** Refresh (or find refreshed) until a pair is usable, waiting out "too early" answers. */
  private async refreshUntilUsable(rejected: string | undefined): Promise<TokenSet> {
    const started = this.nowMs();
    for (;;) {
      const step = await this.ctx.withCredentialLock(() => this.refreshLocked(rejected));
      if (step.kind === 'usable') {
        this.current = step.tokens;
        return step.tokens;
      }
      const waitMs = this.tooEarlyWaitMs(step.stored);
      if (this.nowMs() - started + waitMs > this.policy.tooEarlyMaxWaitMs)
        throw new KoppelError(`Token refresh refused as too early: ${step.message}`, {
          code: 'oauth.too_early',
          kind: 'transient',
          retryAfterMs: waitMs,
          details: { connectionId: this.ctx.connectionId },
        });
      this.ctx.logger.info(
        { waitMs },
        `token refresh of connection ${this.ctx.connectionId} refused as too early (${step.message}); trying again in ${Math.ceil(waitMs / 1000)} s`,
      );
      await this.ctx.clock.sleep(waitMs, this.ctx.signal);
    }
  }

  /**
   * One turn inside the lock: re-read the stored pair, use it if someone rotated it meanwhile (or
   * it is still good and not refused), else refresh. `rejected` is the token a 401 refused.
   */
  private async refreshLocked(rejected: string | undefined): Promise<LockedStep> {
    const stored = await this.readStored();
    if (rejected === undefined) {
      if (this.isFresh(stored)) return { kind: 'usable', tokens: stored };
      // Too young to be refreshed: use it while it works (a 401 brings us back with `rejected`).
      if (!this.isExpired(stored) && this.ageMs(stored) < this.policy.earliestRefreshAgeMs)
        return { kind: 'usable', tokens: stored };
    } else if (stored.accessToken !== rejected && !this.isExpired(stored)) {
      return { kind: 'usable', tokens: stored };
    }
    const outcome = await this.refresh(stored);
    if (outcome.kind === 'refreshed') return { kind: 'usable', tokens: outcome.tokens };
    // The provider counts age differently than we do: a pair nobody refused is used while it works.
    if (rejected === undefined && !this.isExpired(stored)) return { kind: 'usable', tokens: stored };
    return { kind: 'too_early', stored, message: outcome.message };
  }

  /** One token call; a rotated pair is saved before anyone uses it. */
  private async refresh(
    stored: TokenSet,
  ): Promise<{ kind: 'refreshed'; tokens: TokenSet } | { kind: 'too_early'; message: string }> {
    const outcome = await this.refresher.refresh(stored.refreshToken);
    if (outcome.kind === 'grant_gone') throw reauthorization(this.ctx, outcome.message);
    if (outcome.kind === 'too_early') return outcome;
    const fresh = await this.ctx.readCredentials();
    await this.ctx.saveCredentials({ ...fresh, ...tokensToCredentials(outcome.tokens) });
    return outcome;
  }

  private async readStored(): Promise<TokenSet> {
    const stored = tokensFromCredentials(await this.ctx.readCredentials());
    if (!stored) throw reauthorization(this.ctx, 'no tokens are stored for this connection');
    return stored;
  }

  /**
   * How long until the provider should allow a refresh of `t`: its earliest refresh age, else (a
   * provider that only refreshes expired tokens, Exact reference 2.2 UNCONFIRMED) its expiry, else
   * a fixed step; a second past it, so a clock a little behind the provider's does not earn
   * another refusal. Both instants are on our clock from when we received the pair, so a provider
   * clock that is ahead of ours does not shift them.
   */
  private tooEarlyWaitMs(t: TokenSet): number {
    const now = this.nowMs();
    const issued = new Date(t.issuedAt).getTime();
    const next = [issued + this.policy.earliestRefreshAgeMs, new Date(t.expiresAt).getTime()].find(
      (at) => at > now,
    );
    return (next === undefined ? tooEarlyRetryMs : next - now) + 1_000;
  }

  private isFresh(t: TokenSet): boolean {
    return this.nowMs() < new Date(t.expiresAt).getTime() - this.policy.refreshMarginMs;
  }

  private isExpired(t: TokenSet): boolean {
    return this.nowMs() >= new Date(t.expiresAt).getTime();
  }

  private ageMs(t: TokenSet): number {
    return this.nowMs() - new Date(t.issuedAt).getTime();
  }

  private nowMs(): number {
    return this.ctx.clock.now().getTime();
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
