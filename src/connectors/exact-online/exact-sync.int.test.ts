import { afterEach, describe, expect, it } from 'vitest';
import { cursorCheckpointStore } from '../../engine/cursor-checkpoint.js';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { ExactClient } from './exact-client.js';
import { syncWithCheckpoint, type SyncAccount } from './exact-sync.js';

/** Past 2^53, so a Timestamp read through a JS number would lose its last digits. */
const bigStart = '9007199254740993';

describe.each(testDialects)('syncing Exact Online through the sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  async function control(path: string, method: string, body: unknown): Promise<void> {
    const res = await fetch(`${x.url}/__sandbox/${path}`, { method, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }

  async function api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${x.url}/api/v1/${x.division}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${x.accessToken}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** `n` accounts through the API, a few at a time, with the rate limits out of the way. */
  async function setUp(n: number) {
    x = await startExactFixture(dialect, { seed: 'empty', claimedLifetimeMs: 86_400_000 });
    await control('settings', 'PUT', {
      minutelyLimit: 1_000_000,
      dailyLimit: 1_000_000,
      rowVersionStart: bigStart,
    });
    for (let i = 0; i < n; i += 25) {
      const batch = Array.from({ length: Math.min(25, n - i) }, (_, k) =>
        api('POST', 'crm/Accounts', { Name: `Klant ${i + k + 1}`, Code: String(i + k + 1) }),
      );
      for (const res of await Promise.all(batch)) expect(res.status).toBe(201);
    }
    return new ExactClient(await x.context(), x.app, x.division);
  }

  it('resumes after a stop from the stored checkpoint with no gap and no duplicate', async () => {
    const client = await setUp(1100);
    const flowId = 'exact-accounts-sync';
    const select = ['ID', 'Name'];
    const read = (c: ExactClient) => (checkpoint: string | null) =>
      c.syncRows<SyncAccount>('sync/CRM/Accounts', { select, checkpoint });

    // First run: the process stops while handling the second page.
    const firstRun: SyncAccount[] = [];
    const store1 = cursorCheckpointStore(x.h.store.db, x.clock, flowId, 'crm/Accounts');
    await expect(
      syncWithCheckpoint(store1, read(client), async (rows) => {
        if (firstRun.length > 0) throw new Error('stopped');
        firstRun.push(...rows);
      }),
    ).rejects.toThrow('stopped');
    expect(firstRun).toHaveLength(1000);
    const saved = await store1.load();
    expect(saved).toBe(firstRun.at(-1)?.Timestamp);
    expect(BigInt(saved ?? '0')).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));

    // While it is down: one account it already has changes, one it has not seen changes, one goes.
    const seenIds = new Set(firstRun.map((r) => r.ID));
    const all: string[] = [];
    for await (const page of client.bulkRows<{ ID: string }>('bulk/CRM/Accounts', { select: ['ID'] }))
      all.push(...page.map((r) => r.ID));
    const unseen = all.filter((id) => !seenIds.has(id));
    const [changedSeen = '', goneSeen = ''] = [...seenIds].slice(5, 7);
    const changedUnseen = unseen[0] ?? '';
    for (const id of [changedSeen, changedUnseen]) {
      expect((await api('PUT', `crm/Accounts(guid'${id}')`, { Name: `Nieuw ${id}` })).status).toBe(204);
    }
    expect((await api('DELETE', `crm/Accounts(guid'${goneSeen}')`)).status).toBe(204);

    // Restart: a new store connection and a new client pick up from the saved checkpoint.
    const reopened = x.h.tdb.open();
    try {
      const store2 = cursorCheckpointStore(reopened.db, x.clock, flowId, 'crm/Accounts');
      expect(await store2.load()).toBe(saved);
      const client2 = new ExactClient(await x.context(), x.app, x.division);
      const secondRun: SyncAccount[] = [];
      const result = await syncWithCheckpoint(store2, read(client2), async (rows) => {
        secondRun.push(...rows);
      });
      const secondIds = secondRun.map((r) => r.ID);
      // No gap: every account arrived; no duplicate: only the changed one came twice, with its change.
      expect(new Set([...seenIds, ...secondIds])).toEqual(new Set(all));
      expect(secondIds.filter((id) => seenIds.has(id))).toEqual([changedSeen]);
      expect(new Set(secondIds).size).toBe(secondIds.length);
      expect(secondRun.find((r) => r.ID === changedUnseen)?.Name).toBe(`Nieuw ${changedUnseen}`);
      // Int64 intact: consecutive, strictly rising, all past 2^53, checkpoint at the highest.
      const stamps = [...firstRun, ...secondRun].map((r) => BigInt(r.Timestamp));
      expect(stamps.every((t, i) => i === 0 || t > (stamps[i - 1] ?? 0n))).toBe(true);
      expect(new Set(stamps).size).toBe(stamps.length);
      expect(result.checkpoint).toBe(secondRun.at(-1)?.Timestamp);
      expect(await store2.load()).toBe(result.checkpoint);

      // A third run finds nothing and leaves the checkpoint alone.
      const third = await syncWithCheckpoint(store2, read(client2), async (rows) => {
        expect(rows).toEqual([]);
      });
      expect(third).toEqual({ pages: 1, rows: 0, checkpoint: result.checkpoint });
    } finally {
      await reopened.close();
    }

    // The deletion arrives on sync/Deleted, filtered by entity type 2 (Accounts, appendix B).
    const deleted = [];
    for await (const page of client.deletedSince(null, { entityType: 2 })) deleted.push(...page.rows);
    expect(deleted).toEqual([
      expect.objectContaining({ EntityKey: goneSeen, EntityType: 2, Division: x.division }),
    ]);
    expect(BigInt(deleted[0]?.Timestamp ?? '0')).toBeGreaterThan(BigInt(saved ?? '0'));
    const items = [];
    for await (const page of client.deletedSince(null, { entityType: 9 })) items.push(...page.rows);
    expect(items).toEqual([]);
  });

  it('reads a bulk endpoint to the end, 1,000 rows a page', async () => {
    const client = await setUp(1050);
    const sizes: number[] = [];
    const codes = new Set<string>();
    for await (const page of client.bulkRows<{ Code: string }>('bulk/CRM/Accounts', {
      select: ['ID', 'Code'],
      filter: 'Blocked eq false',
    })) {
      sizes.push(page.length);
      for (const row of page) codes.add(row.Code.trim());
    }
    expect(sizes).toEqual([1000, 50]);
    expect(codes.size).toBe(1050);
    expect(() => client.bulkRows('bulk/CRM/Accounts', { select: [] })).toThrow(/\$select/);
  });

  it('starts a sync from a date through SyncTimestamp and refuses a bad checkpoint', async () => {
    const client = await setUp(0);
    const ts = await client.syncTimestamp('SalesOrderHeaders', '2026-03-01T00:00:00');
    // No order yet: the next Timestamp the division will hand out, past 2^53.
    expect(BigInt(ts)).toBeGreaterThan(BigInt(bigStart));
    expect(() => client.syncRows('sync/CRM/Accounts', { select: ['ID'], checkpoint: '12e3' })).toThrow(
      expect.objectContaining({ code: 'exact.bad_checkpoint' }),
    );
    const pages = client.syncRows('sync/CRM/Accounts', { select: ['ID', 'Name,'], checkpoint: null });
    await expect(pages.next()).rejects.toMatchObject({ code: 'exact.bad_request' });
  });
});
