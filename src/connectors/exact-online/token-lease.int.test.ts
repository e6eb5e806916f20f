import { afterEach, describe, expect, it } from 'vitest';
import { CallCounter, connectorContext } from '../../engine/connector-context.js';
import type { EngineDeps } from '../../engine/deps.js';
import { defaultExactClientId, defaultExactClientSecret } from '../../sandboxes/exact-online/credentials.js';
import { startTestSandbox, type TestSandbox } from '../../sandboxes/exact-online/test-sandbox.js';
import { upsertConnection } from '../../store/repos/connections.js';
import { testDialects } from '../../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../../testing/engine-harness.js';
import { tokensFromCredentials, tokensToCredentials, TokenLease } from '../kit/token-lease.js';
import { exactTokenPolicy, exactTokenRefresher, type ExactApp } from './oauth.js';

describe.each(testDialects)('the token lease against the Exact Online sandbox on %s', (dialect) => {
  let h: EngineHarness;
  let sandbox: TestSandbox;
  let second: EngineDeps | undefined;
  afterEach(async () => {
    await second?.store.close();
    second = undefined;
    await sandbox?.close();
    await h?.close();
  });

  /** A connection holding a freshly minted pair, with both clocks at the sandbox's time. */
  async function setUp(): Promise<ExactApp> {
    h = await createEngineHarness(dialect);
    sandbox = await startTestSandbox('demo', h.clock.now().toISOString());
    const minted = (await (
      await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', body: '{}' })
    ).json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: string;
    };
    const now = h.clock.now();
    const credentials = tokensToCredentials({
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + Number(minted.expires_in) * 1000).toISOString(),
    });
    await upsertConnection(
      h.store.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: {},
        encryptedCredentials: h.deps.box.encryptJson(credentials),
        credentialRefs: {},
      },
      now.toISOString(),
    );
    return { baseUrl: sandbox.url, clientId: defaultExactClientId, clientSecret: defaultExactClientSecret };
  }

  async function lease(deps: EngineDeps, app: ExactApp): Promise<TokenLease> {
    const row = await deps.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const ctx = connectorContext(deps, row, new CallCounter(), new AbortController().signal);
    return new TokenLease(ctx, exactTokenRefresher(ctx, app), exactTokenPolicy);
  }

  function advance(ms: number) {
    h.clock.advance(ms);
    sandbox.clock.advance(ms);
  }

  async function tokenCalls(): Promise<number> {
    const log = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Array<{ path: string }>;
    return log.filter((r) => r.path === '/api/oauth2/token').length;
  }

  it('makes exactly one token call when ten callers in two processes find the token expired', async () => {
    const app = await setUp();
    second = { ...h.deps, store: h.tdb.open() };
    const leases = await Promise.all(
      Array.from({ length: 10 }, (_, i) => lease(i % 2 ? second! : h.deps, app)),
    );
    advance(601_000);
    const tokens = await Promise.all(leases.map((l) => l.accessToken()));
    expect(await tokenCalls()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // The rotated pair was saved (encrypted) before use, and works against the API.
    const stored = await (await lease(h.deps, app)).accessToken();
    expect(stored).toBe(tokens[0]);
    const me = await sandbox.call('GET', '/api/v1/current/Me', stored);
    expect(me.status).toBe(200);
  });

  it('uses a valid token without a token call, and refreshes only inside the last 30 seconds', async () => {
    const app = await setUp();
    const l = await lease(h.deps, app);
    const first = await l.accessToken();
    advance(500_000);
    expect(await l.accessToken()).toBe(first);
    expect(await tokenCalls()).toBe(0);
    advance(75_000); // 575 s: inside the refresh window, past the 570-second rule
    const next = await l.accessToken();
    expect(next).not.toBe(first);
    expect(await tokenCalls()).toBe(1);
  });

  it('keeps using the current token when Exact says it is too early, and refreshes after expiry', async () => {
    const app = await setUp();
    await fetch(`${sandbox.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ earliestRefreshAgeSeconds: 600 }),
    });
    const l = await lease(h.deps, app);
    const first = await l.accessToken();
    advance(580_000);
    expect(await l.accessToken()).toBe(first);
    expect(await tokenCalls()).toBe(1);
    advance(25_000);
    expect(await l.accessToken()).not.toBe(first);
    expect(await tokenCalls()).toBe(2);
  });

  it('asks for a new authorization, not a retry, when the refresh token was already used', async () => {
    const app = await setUp();
    const row = await h.store.db
      .selectFrom('connections')
      .select('credentials')
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const original = tokensFromCredentials(h.deps.box.decryptJson(row.credentials!))!;
    const l = await lease(h.deps, app);
    advance(601_000);
    await l.accessToken();
    // Someone restores the old pair (a backup, a second installation): its refresh token is spent.
    await h.store.db
      .updateTable('connections')
      .set({ credentials: h.deps.box.encryptJson(tokensToCredentials(original)) })
      .where('id', '=', 'exact')
      .execute();
    advance(601_000);
    const stale = await lease(h.deps, app);
    await expect(stale.accessToken()).rejects.toMatchObject({
      code: 'oauth.reauthorization_required',
      kind: 'auth',
    });
    expect(await tokenCalls()).toBe(2);
  });
});
