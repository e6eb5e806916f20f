import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { createLogger } from '../../core/logging.js';
import { SecretRegistry } from '../../core/secret-registry.js';
import type { Store } from '../../store/database.js';
import { createTestDatabase, type TestDatabase } from '../../testing/databases.js';
import { PgBossQueue } from '../pg-boss-queue.js';
import { StoreQueue } from '../store-queue.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });
const lease = { queues: ['engine'], leaseMs: 60_000 };

describe('moving the jobs table into pg-boss', () => {
  let tdb: TestDatabase;
  let store: Store;
  let admin: pg.Pool;
  const queues: PgBossQueue[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    store = tdb.open();
    admin = new pg.Pool({ connectionString: tdb.env.DATABASE_URL, max: 2 });
  });

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.stop()));
    await admin.end();
    await store.close();
    await tdb.drop();
  });

  it('moves every waiting and running job exactly once, even when two processes start at once', async () => {
    const old = new StoreQueue(store, systemClock);
    const waiting = await old.enqueue({
      queue: 'engine',
      name: 'flow.run',
      payload: { flowId: 'f1' },
      dedupeKey: 'run:f1',
      lockKey: 'flow:f1',
      priority: 150,
    });
    const replay = await old.enqueue({ queue: 'engine', name: 'replay', lockKey: 'flow:f2' });
    const [running] = await old.claim('old-worker', lease);
    expect(running?.id).toBe(replay.id);
    const done = await old.enqueue({ queue: 'engine', name: 'retention.purge' });
    await old.claim('old-worker', lease);
    expect(await old.complete(done.id, 'old-worker')).toBe(true);

    const open = () => new PgBossQueue({ databaseUrl: tdb.env.DATABASE_URL ?? '', logger });
    const [a, b] = [open(), open()];
    queues.push(a, b);
    await Promise.all([a.start(), b.start()]);

    const moved = await a.list({ state: 'queued' });
    expect(moved.map((j) => j.name).sort()).toEqual(['flow.run', 'replay']);
    const { rows } = await admin.query<{ moved_from: string }>(
      `select data->>'movedFrom' as moved_from from pgboss.job order by 1`,
    );
    expect(rows.map((r) => r.moved_from)).toEqual([waiting.id, replay.id].sort());
    expect(moved.find((j) => j.name === 'flow.run')).toMatchObject({
      queue: 'engine',
      payload: { flowId: 'f1' },
      dedupeKey: 'run:f1',
      lockKey: 'flow:f1',
      priority: 150,
      attempts: 0,
      maxAttempts: 5,
    });
    // The running job's worker was the old engine: it waits again, its attempt counted.
    expect(moved.find((j) => j.name === 'replay')).toMatchObject({ attempts: 1, lockKey: 'flow:f2' });
    const left = await store.db.selectFrom('jobs').select(['id', 'state']).execute();
    expect(left).toEqual([{ id: done.id, state: 'completed' }]);

    // Dedupe and lock keys go on working on the moved jobs.
    const again = await b.enqueue({
      queue: 'engine',
      name: 'flow.run',
      dedupeKey: 'run:f1',
      lockKey: 'flow:f1',
    });
    expect(again.deduped).toBe(true);
    const claimed = await b.claim('new-worker', { ...lease, limit: 5 });
    expect(claimed.map((j) => j.name).sort()).toEqual(['flow.run', 'replay']);
    expect(claimed.find((j) => j.name === 'replay')?.attempts).toBe(2);

    // A process starting later finds nothing more to move.
    const c = open();
    queues.push(c);
    await c.start();
    expect(await admin.query(`select count(*)::int as n from pgboss.job`)).toMatchObject({
      rows: [{ n: 2 }],
    });
  });
});
