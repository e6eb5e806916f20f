import { setTimeout as wait } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { DialectName, Store } from '../store/database.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { PgBossQueue } from './pg-boss-queue.js';
import { lostStartLimit, type JobQueue } from './port.js';
import { StoreQueue } from './store-queue.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });
const lease = { queues: ['default'], leaseMs: 60_000 };

interface Adapter {
  label: string;
  dialect: DialectName;
  engine: 'store' | 'pg-boss';
}

const adapters: Adapter[] = [
  { label: 'StoreQueue on sqlite', dialect: 'sqlite', engine: 'store' },
  { label: 'StoreQueue on postgres', dialect: 'postgres', engine: 'store' },
  { label: 'PgBossQueue on postgres', dialect: 'postgres', engine: 'pg-boss' },
];

/**
 * The job queue port's contract, the same test body for every adapter, on real time: pg-boss
 * compares due and expiry times with the database's now(), so waits here are real and short (a
 * lease of a fraction of a second). The store queue's virtual-clock tests are in
 * store-queue.int.test.ts.
 */
describe.each(adapters)('$label keeps the job queue contract', ({ dialect, engine }) => {
  let tdb: TestDatabase;
  let admin: pg.Pool | undefined;
  const opened: Array<{ queue: JobQueue; stop(): Promise<void> }> = [];
  let first: Store | undefined;
  let queue: JobQueue;

  /** One more process on the same database: its own connections, its own adapter. */
  const open = async (): Promise<JobQueue> => {
    if (engine === 'pg-boss') {
      const q = new PgBossQueue({ databaseUrl: tdb.env.DATABASE_URL ?? '', logger });
      await q.start();
      opened.push({ queue: q, stop: () => q.stop() });
      return q;
    }
    const store = tdb.open();
    first ??= store;
    const q = new StoreQueue(store, systemClock);
    opened.push({ queue: q, stop: () => store.close() });
    return q;
  };

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (engine === 'pg-boss') admin = new pg.Pool({ connectionString: tdb.env.DATABASE_URL, max: 1 });
    queue = await open();
  });

  afterAll(async () => {
    await Promise.all(opened.map((o) => o.stop()));
    await admin?.end();
    await tdb.drop();
  });

  beforeEach(async () => {
    if (admin) await admin.query('truncate pgboss.job, pgboss.archive');
    else await first?.db.deleteFrom('jobs').execute();
  });

  afterEach(async () => {
    // Processes opened by one test (for concurrency) stop with it; the shared one stays.
    await Promise.all(opened.splice(1).map((o) => o.stop()));
  });

  it('stores a job in Koppel’s shape; an unknown id is null', async () => {
    const before = Date.now();
    const { id, deduped } = await queue.enqueue({
      queue: 'default',
      name: 'flow.run',
      payload: { flow: 'f1' },
    });
    expect(deduped).toBe(false);
    const job = await queue.get(id);
    expect(job).toMatchObject({
      id,
      queue: 'default',
      name: 'flow.run',
      payload: { flow: 'f1' },
      state: 'queued',
      priority: 100,
      attempts: 0,
      maxAttempts: 5,
      dedupeKey: null,
      lockKey: null,
      lockedBy: null,
      finishedAt: null,
    });
    expect(job?.runAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(await queue.get('job_missing')).toBeNull();
    expect(await queue.list({ state: 'queued' })).toHaveLength(1);
    expect(await queue.list({ state: 'running' })).toHaveLength(0);
  });

  it('never runs two jobs of one lock key at once, whatever their names', async () => {
    const run = await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' });
    const replay = await queue.enqueue({ queue: 'default', name: 'replay', lockKey: 'flow:a' });
    const first = await queue.claim('w1', { ...lease, limit: 5 });
    expect(first.map((j) => j.id)).toEqual([run.id]);
    expect(await queue.claim('w2', { ...lease, limit: 5 })).toEqual([]);
    expect(await queue.complete(run.id, 'w1')).toBe(true);
    const second = await queue.claim('w2', { ...lease, limit: 5 });
    expect(second.map((j) => j.id)).toEqual([replay.id]);
  });

  it('takes the job of a free lock key while another key is busy and has jobs waiting', async () => {
    await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:busy' });
    await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:busy' });
    expect(await queue.claim('w1', lease)).toHaveLength(1);
    const free = await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:free' });
    const claimed = await queue.claim('w2', { ...lease, limit: 5 });
    expect(claimed.map((j) => j.id)).toEqual([free.id]);
  });

  it('claims by priority, live before normal before backfill, across lock keys', async () => {
    const backfill = await queue.enqueue({ queue: 'default', name: 'n', priority: 200, lockKey: 'flow:b' });
    const normal = await queue.enqueue({ queue: 'default', name: 'n', priority: 100 });
    const live = await queue.enqueue({ queue: 'default', name: 'n', priority: 10, lockKey: 'flow:l' });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) order.push(...(await queue.claim('w1', lease)).map((j) => j.id));
    expect(order).toEqual([live.id, normal.id, backfill.id]);
  });

  it('folds a burst into the waiting job, and only a waiting one with dedupeWhile queued', async () => {
    const spec = { queue: 'default', name: 'flow.run', dedupeKey: 'run:a', lockKey: 'flow:a' } as const;
    const first = await queue.enqueue({ ...spec, dedupeWhile: 'queued' });
    expect(await queue.enqueue({ ...spec, dedupeWhile: 'queued' })).toEqual({ id: first.id, deduped: true });
    await queue.claim('w1', lease);
    // Running: the default still joins it, `queued` queues one more, and the burst folds into that.
    expect(await queue.enqueue(spec)).toEqual({ id: first.id, deduped: true });
    const waiting = await queue.enqueue({ ...spec, dedupeWhile: 'queued' });
    expect(waiting.deduped).toBe(false);
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => queue.enqueue({ ...spec, dedupeWhile: 'queued' })),
    );
    expect(burst.every((r) => r.id === waiting.id && r.deduped)).toBe(true);
    expect(await queue.list({ state: 'queued' })).toHaveLength(1);
  });

  it('queues one job for a burst of requests from several processes at once', async () => {
    const processes = await Promise.all([open(), open(), open()]);
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        processes[i % 3]!.enqueue({
          queue: 'default',
          name: 'flow.run',
          dedupeKey: 'run:b',
          dedupeWhile: 'queued',
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.deduped)).toHaveLength(1);
  });

  it('cancels a queued job at once and a running one through its heartbeat, releasing its dedupe key', async () => {
    const queued = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow:q' });
    expect(await queue.cancel(queued.id)).toBe('cancelled');
    expect(await queue.get(queued.id)).toMatchObject({
      state: 'cancelled',
      lastError: 'Cancelled before it ran',
    });
    expect(await queue.claim('w1', lease)).toEqual([]);

    const running = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k', lockKey: 'flow:r' });
    await queue.claim('w1', lease);
    expect(await queue.cancel(running.id)).toBe('requested');
    expect(await queue.heartbeat(running.id, 'w1', 60_000)).toBe('cancel_requested');
    const again = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k', lockKey: 'flow:r' });
    expect(again.deduped).toBe(false);
    // Its lock key stays held while the handler stops.
    expect(await queue.claim('w2', lease)).toEqual([]);
    expect(await queue.fail(running.id, 'w1', { message: 'stopped', retryAt: new Date() })).toBe('cancelled');
    expect(await queue.cancel(running.id)).toBe('finished');
    expect((await queue.claim('w2', lease)).map((j) => j.id)).toEqual([again.id]);
    expect(await queue.cancel('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('queues a failed attempt again for the retry time it is given, and fails for good without one', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 3 });
    await queue.claim('w1', lease);
    const retryAt = new Date(Date.now() + 400);
    expect(await queue.fail(id, 'w1', { message: 'flaky', retryAt })).toBe('queued');
    expect(await queue.get(id)).toMatchObject({
      state: 'queued',
      attempts: 1,
      runAt: retryAt,
      lastError: 'flaky',
    });
    expect(await queue.claim('w1', lease)).toEqual([]);
    await wait(450);
    const [again] = await queue.claim('w1', lease);
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await queue.fail(id, 'w2', { message: 'not mine', retryAt: null })).toBeNull();
    expect(await queue.fail(id, 'w1', { message: 'broken', retryAt: null })).toBe('failed');
    expect(await queue.get(id)).toMatchObject({ state: 'failed', attempts: 2, lastError: 'broken' });
  });

  it('keeps the last error of a job that went through after a retry', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.claim('w1', lease);
    await queue.fail(id, 'w1', { message: 'flaky', retryAt: new Date(Date.now() - 1_000) });
    expect(await queue.claim('w1', lease)).toHaveLength(1);
    expect(await queue.complete(id, 'w1')).toBe(true);
    expect(await queue.get(id)).toMatchObject({ state: 'completed', attempts: 2, lastError: 'flaky' });
  });

  it('fails a job whose attempts are used up, whatever the retry time', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 1 });
    await queue.claim('w1', lease);
    expect(await queue.fail(id, 'w1', { message: 'once', retryAt: new Date() })).toBe('failed');
  });

  it('takes the job of a worker that stopped renewing its lease, and keeps one that renews it', async () => {
    const lost = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow:lost' });
    const kept = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow:kept' });
    expect(await queue.claim('dead', { ...lease, leaseMs: 300, limit: 2 })).toHaveLength(2);
    expect(await queue.heartbeat(kept.id, 'dead', 60_000)).toBe('ours');
    await wait(400);
    expect(await queue.reapExpired()).toBe(1);
    expect(await queue.get(kept.id)).toMatchObject({ state: 'running', lockedBy: 'dead' });
    const [taken] = await queue.claim('alive', lease);
    expect(taken).toMatchObject({ id: lost.id, attempts: 2, lockedBy: 'alive' });
    expect(await queue.heartbeat(lost.id, 'dead', 60_000)).toBe('lost');
    expect(await queue.complete(lost.id, 'dead')).toBe(false);
    expect(await queue.complete(lost.id, 'alive')).toBe(true);
  });

  it('gives a lost worker’s start back, and fails a job that keeps losing its worker at its last allowed start', async () => {
    // One attempt for errors: every loss gives its start back, up to the limit of starts.
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 1 });
    for (let start = 1; start <= lostStartLimit; start++) {
      const [job] = await queue.claim(`w${start}`, { ...lease, leaseMs: 100 });
      expect(job).toMatchObject({ id, attempts: start });
      await wait(150);
      expect(await queue.reapExpired()).toBe(1);
      const after = await queue.get(id);
      expect(after?.state, `after the loss at start ${start}`).toBe(
        start < lostStartLimit ? 'queued' : 'failed',
      );
    }
    expect(await queue.get(id)).toMatchObject({
      attempts: lostStartLimit,
      lastError: `lease expired: worker w${lostStartLimit} stopped renewing it`,
    });
    // A loss gives back a start, not an error's attempt: a job that failed uses its attempts up.
    const failing = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 2 });
    await queue.claim('lost', { ...lease, leaseMs: 100 });
    await wait(150);
    expect(await queue.reapExpired()).toBe(1);
    await queue.claim('w1', lease);
    expect(await queue.fail(failing.id, 'w1', { message: 'e1', retryAt: new Date() })).toBe('queued');
    await queue.claim('w1', lease);
    expect(await queue.fail(failing.id, 'w1', { message: 'e2', retryAt: new Date() })).toBe('failed');
  });

  it('never hands one job to two concurrent claimers, nor runs a lock key twice', async () => {
    const claimers = await Promise.all([open(), open(), open()]);
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) {
      ids.add((await queue.enqueue({ queue: 'default', name: 'n', lockKey: `flow:${i % 6}` })).id);
      ids.add((await queue.enqueue({ queue: 'default', name: 'n' })).id);
    }
    const seen: string[] = [];
    const running = new Map<string, string>();
    const violations: string[] = [];
    await Promise.all(
      claimers.map(async (q, w) => {
        for (let idle = 0; idle < 20;) {
          const jobs = await q.claim(`w${w}`, { ...lease, limit: 2 });
          if (jobs.length === 0) {
            idle++;
            await wait(5);
            continue;
          }
          for (const job of jobs) {
            seen.push(job.id);
            if (job.lockKey !== null) {
              if (running.has(job.lockKey)) violations.push(job.lockKey);
              running.set(job.lockKey, job.id);
            }
          }
          await wait(Math.random() * 3);
          for (const job of jobs) {
            if (job.lockKey !== null) running.delete(job.lockKey);
            expect(await q.complete(job.id, `w${w}`)).toBe(true);
          }
        }
      }),
    );
    expect(violations).toEqual([]);
    expect(seen).toHaveLength(ids.size);
    expect(new Set(seen)).toEqual(ids);
  });

  it('takes the best job of its own Koppel queues under a lock key whose head belongs to another queue', async () => {
    // A `koppel sync` killed after queueing: its private queue's job is the lock queue's head.
    const orphan = await queue.enqueue({ queue: 'cli-1', name: 'flow.run', lockKey: 'flow:a', priority: 10 });
    const own = await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' });
    expect((await queue.claim('engine', { ...lease, limit: 2 })).map((j) => j.id)).toEqual([own.id]);
    expect(await queue.claim('cli', { ...lease, queues: ['cli-1'] })).toEqual([]);
    expect(await queue.complete(own.id, 'engine')).toBe(true);
    expect((await queue.claim('cli', { ...lease, queues: ['cli-1'] })).map((j) => j.id)).toEqual([orphan.id]);
  });

  it('answers the metrics, the backlog and the purge', async () => {
    const old = await queue.enqueue({
      queue: 'default',
      name: 'flow.run',
      lockKey: 'flow:a',
      runAt: new Date(Date.now() - 3_600_000),
    });
    await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:b' });
    await queue.enqueue({ queue: 'other', name: 'alerts.evaluate', runAt: new Date(Date.now() + 3_600_000) });
    const done = await queue.enqueue({ queue: 'default', name: 'n' });
    const [claimed] = await queue.claim('w1', { ...lease, queues: ['other', 'default'] });
    expect(claimed?.id).toBe(old.id);
    await queue.complete(old.id, 'w1');
    expect(await queue.claim('w1', { ...lease, limit: 2 })).toHaveLength(2);
    await queue.complete(done.id, 'w1');
    await queue.enqueue({
      queue: 'default',
      name: 'replay',
      lockKey: 'flow:a',
      runAt: new Date(Date.now() - 40 * 60_000),
    });

    const now = new Date();
    const load = await queue.load(now);
    expect(load.live).toEqual(
      expect.arrayContaining([
        { queue: 'default', state: 'queued', count: 1 },
        { queue: 'default', state: 'running', count: 1 },
        { queue: 'other', state: 'queued', count: 1 },
      ]),
    );
    expect(load.live).toHaveLength(3);
    expect(load.oldestDue).toHaveLength(1);
    expect(now.getTime() - load.oldestDue[0]!.since.getTime()).toBeGreaterThan(39 * 60_000);

    const late = await queue.waitingSince(['flow.run', 'replay'], new Date(Date.now() - 30 * 60_000));
    expect(late).toEqual([{ lockKey: 'flow:a', runAt: expect.any(Date) }]);

    expect(await queue.purgeFinished(new Date(Date.now() + 60_000))).toBe(2);
    expect(await queue.get(old.id)).toBeNull();
    expect(await queue.get(done.id)).toBeNull();
    expect(await queue.list()).toHaveLength(3);
  });
});
