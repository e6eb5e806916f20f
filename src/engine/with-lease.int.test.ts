import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSetting, putSetting } from '../store/repos/settings.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../testing/engine-harness.js';
import { CallCounter, connectorContext } from './connector-context.js';
import type { EngineDeps } from './deps.js';
import { withLease } from './with-lease.js';
import { getConnection } from '../store/repos/connections.js';

describe.each(testDialects)('leases across processes on %s', (dialect) => {
  let h: EngineHarness;
  let other: EngineDeps | undefined;
  afterEach(async () => {
    await other?.store.close();
    other = undefined;
    await h?.close();
  });

  /** A second "process": its own connection to the same database. */
  function secondProcess(): EngineDeps {
    other = { ...h.deps, store: h.tdb.open() };
    return other;
  }

  it('lets one holder at a time do a read-modify-write, across two connections to the database', async () => {
    h = await createEngineHarness(dialect);
    const b = secondProcess();
    const at = () => new Date().toISOString();
    await putSetting(h.store.db, 'counter', 0, at());
    const increment = (deps: EngineDeps) =>
      withLease(deps, 'counter', async () => {
        const current = Number((await getSetting(deps.store.db, 'counter'))?.value);
        await new Promise((r) => setTimeout(r, 5));
        await putSetting(deps.store.db, 'counter', current + 1, at());
      });
    await Promise.all(Array.from({ length: 12 }, (_, i) => increment(i % 2 ? b : h.deps)));
    expect((await getSetting(h.store.db, 'counter'))?.value).toBe(12);
    expect(await h.store.db.selectFrom('leases').selectAll().execute()).toEqual([]);
  });

  it('waits for a live holder, gives up with a transient error, and takes over once a dead holder expires', async () => {
    h = await createEngineHarness(dialect);
    const now = h.clock.now();
    await h.store.db
      .insertInto('leases')
      .values({
        key: 'credentials:tgt',
        owner: 'a-process-that-died',
        acquired_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 60_000).toISOString(),
      })
      .execute();
    await expect(
      withLease(h.deps, 'credentials:tgt', () => Promise.resolve('never'), { waitMs: 1_000 }),
    ).rejects.toMatchObject({
      code: 'engine.lease_timeout',
      kind: 'transient',
    });
    h.clock.advance(61_000);
    await expect(withLease(h.deps, 'credentials:tgt', () => Promise.resolve('mine'))).resolves.toBe('mine');
  });

  it('keeps the lease of a holder that works longer than its time-to-live, by renewing it', async () => {
    h = await createEngineHarness(dialect);
    const b = secondProcess();
    let finish!: () => void;
    const working = new Promise<void>((resolve) => (finish = resolve));
    const holding = withLease(h.deps, 'credentials:tgt', () => working, { ttlMs: 3_000 });
    const expiresAt = async () => {
      const row = await h.store.db
        .selectFrom('leases')
        .select('expires_at')
        .where('key', '=', 'credentials:tgt')
        .executeTakeFirstOrThrow();
      return new Date(row.expires_at).getTime();
    };
    // Four steps of half the time-to-live: without renewal it would have run out after two.
    for (let step = 0; step < 4; step++) {
      h.clock.advance(1_500);
      await vi.waitFor(async () => expect(await expiresAt()).toBeGreaterThan(h.clock.now().getTime()));
    }
    await expect(
      withLease(b, 'credentials:tgt', () => Promise.resolve('never'), { waitMs: 300 }),
    ).rejects.toMatchObject({ code: 'engine.lease_timeout' });
    finish();
    await holding;
    expect(await h.store.db.selectFrom('leases').selectAll().execute()).toEqual([]);
  });

  it('gives connectors a credential lock and a fresh read of credentials another process rotated', async () => {
    h = await createEngineHarness(dialect);
    const b = secondProcess();
    const signal = new AbortController().signal;
    const row = async (deps: EngineDeps) => {
      const c = await deps.store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', 'tgt')
        .executeTakeFirstOrThrow();
      return connectorContext(deps, c, new CallCounter(), signal);
    };
    const ctxA = await row(h.deps);
    const ctxB = await row(b);
    expect(ctxA.credentials.token).toBe(h.loopback.token);
    const rotations: string[] = [];
    // Both "processes" find the token stale at once; only the first to hold the lock rotates it.
    const refresh = (ctx: typeof ctxA, name: string) =>
      ctx.withCredentialLock(async () => {
        const current = await ctx.readCredentials();
        if (current.token !== h.loopback.token) return;
        rotations.push(name);
        await ctx.saveCredentials({ token: `rotated-by-${name}-0123456789` });
      });
    await Promise.all([refresh(ctxA, 'a'), refresh(ctxB, 'b'), refresh(ctxA, 'a2'), refresh(ctxB, 'b2')]);
    expect(rotations).toHaveLength(1);
    expect((await ctxA.readCredentials()).token).toBe(`rotated-by-${rotations[0]}-0123456789`);
    const stored = await getConnection(h.store.db, 'tgt');
    expect(stored?.encryptedCredentials).not.toContain('rotated-by');
  });
});
