import { afterEach, describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../engine/deps.js';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { tokensFromCredentials, tokensToCredentials, TokenLease } from '../kit/token-lease.js';
import { exactTokenPolicy, exactTokenRefresher } from './oauth.js';

describe.each(testDialects)('the token lease against the Exact Online sandbox on %s', (dialect) => {
  let x: ExactFixture;
  let second: EngineDeps | undefined;
  afterEach(async () => {
    await second?.store.close();
    second = undefined;
    await x?.close();
  });

  async function lease(deps?: EngineDeps): Promise<TokenLease> {
    const ctx = await x.context(deps);
    return new TokenLease(ctx, exactTokenRefresher(ctx, x.app), exactTokenPolicy);
  }

  it('makes exactly one token call when ten callers in two processes find the token expired', async () => {
    x = await startExactFixture(dialect);
    second = { ...x.h.deps, store: x.h.tdb.open() };
    const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => lease(i % 2 ? second : undefined)));
    x.clock.advance(601_000);
    const tokens = await Promise.all(leases.map((l) => l.accessToken()));
    expect(await x.tokenCalls()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // The rotated pair was saved (encrypted) before use, and works against the API.
    const stored = await (await lease()).accessToken();
    expect(stored).toBe(tokens[0]);
    const me = await fetch(`${x.url}/api/v1/current/Me`, {
      headers: { authorization: `Bearer ${stored}`, accept: 'application/json' },
    });
    expect(me.status).toBe(200);
  });

  it('uses a valid token without a token call, and refreshes only inside the last 30 seconds', async () => {
    x = await startExactFixture(dialect);
    const l = await lease();
    const first = await l.accessToken();
    x.clock.advance(500_000);
    expect(await l.accessToken()).toBe(first);
    expect(await x.tokenCalls()).toBe(0);
    x.clock.advance(75_000); // 575 s: inside the refresh window, past the 570-second rule
    const next = await l.accessToken();
    expect(next).not.toBe(first);
    expect(await x.tokenCalls()).toBe(1);
  });

  it('keeps using the current token when Exact says it is too early, and refreshes after expiry', async () => {
    x = await startExactFixture(dialect);
    await fetch(`${x.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ earliestRefreshAgeSeconds: 600 }),
    });
    const l = await lease();
    const first = await l.accessToken();
    x.clock.advance(580_000);
    expect(await l.accessToken()).toBe(first);
    expect(await x.tokenCalls()).toBe(1);
    x.clock.advance(25_000);
    expect(await l.accessToken()).not.toBe(first);
    expect(await x.tokenCalls()).toBe(2);
  });

  it('asks for a new authorization, not a retry, when the refresh token was already used', async () => {
    x = await startExactFixture(dialect);
    const db = x.h.store.db;
    const row = await db
      .selectFrom('connections')
      .select('credentials')
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const original = tokensFromCredentials(x.h.deps.box.decryptJson(row.credentials!))!;
    const l = await lease();
    x.clock.advance(601_000);
    await l.accessToken();
    // Someone restores the old pair (a backup, a second installation): its refresh token is spent.
    await db
      .updateTable('connections')
      .set({ credentials: x.h.deps.box.encryptJson(tokensToCredentials(original)) })
      .where('id', '=', 'exact')
      .execute();
    x.clock.advance(601_000);
    const stale = await lease();
    await expect(stale.accessToken()).rejects.toMatchObject({
      code: 'oauth.reauthorization_required',
      kind: 'auth',
    });
    expect(await x.tokenCalls()).toBe(2);
  });
});
