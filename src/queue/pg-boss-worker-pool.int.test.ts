import { setTimeout as wait } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { cancelledErrorCode, type JobHandler } from './job-runner.js';
import { PgBossQueue } from './pg-boss-queue.js';
import type { Job } from './port.js';
import { WorkerPool } from './worker-pool.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

/**
 * Koppel's worker pool on the pg-boss adapter, in real time (pg-boss judges due and expiry by the
 * database's clock): short polls, a short heartbeat, so each test takes about a second.
 */
describe('WorkerPool on pg-boss', () => {
  let tdb: TestDatabase;
  let admin: pg.Pool;
  let queue: PgBossQueue;
  const pools: WorkerPool[] = [];

  const startPool = (handlers: Record<string, JobHandler>, workerId: string, concurrency = 2) => {
    const pool = new WorkerPool({
      queue,
      clock: systemClock,
      logger,
      concurrency,
      queues: ['default'],
      handlers,
      pollIntervalMs: 30,
      leaseMs: 1_000,
      heartbeatIntervalMs: 100,
      backoff: { baseMs: 50, capMs: 100 },
      workerId,
    });
    pools.push(pool);
    pool.start();
    return pool;
  };

  const until = (id: string, predicate: (job: Job) => boolean): Promise<Job> =>
    vi.waitFor(
      async () => {
        const job = await queue.get(id);
        if (!job || !predicate(job)) throw new Error(`job ${id} is ${job?.state}`);
        return job;
      },
      { timeout: 8_000, interval: 20 },
    );

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    admin = new pg.Pool({ connectionString: tdb.env.DATABASE_URL, max: 1 });
    queue = new PgBossQueue({ databaseUrl: tdb.env.DATABASE_URL ?? '', logger });
    await queue.start();
  });

  afterAll(async () => {
    await queue.stop();
    await admin.end();
    await tdb.drop();
  });

  beforeEach(async () => {
    await admin.query('truncate pgboss.job, pgboss.archive');
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 500 })));
  });

  it('runs a flow’s run and its replay one after the other across two pools, other flows beside them', async () => {
    const spans: Array<{ key: string; from: number; to: number }> = [];
    const handler: JobHandler = async (job) => {
      const from = Date.now();
      await wait(120);
      spans.push({ key: job.lockKey ?? job.id, from, to: Date.now() });
    };
    const handlers = { 'flow.run': handler, replay: handler };
    const ids = [
      (await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' })).id,
      (await queue.enqueue({ queue: 'default', name: 'replay', lockKey: 'flow:a' })).id,
      (await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' })).id,
      (await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:b' })).id,
    ];
    startPool(handlers, 'p1');
    startPool(handlers, 'p2');
    for (const id of ids) await until(id, (j) => j.state === 'completed');
    const a = spans.filter((s) => s.key === 'flow:a').sort((x, y) => x.from - y.from);
    expect(a).toHaveLength(3);
    for (let i = 1; i < a.length; i++) expect(a[i]!.from).toBeGreaterThanOrEqual(a[i - 1]!.to);
    const b = spans.find((s) => s.key === 'flow:b')!;
    // flow:b did not wait for the three runs of flow:a.
    expect(b.from).toBeLessThan(a[2]!.from);
  });

  it('retries a failing job until it succeeds and stops a cancelled job at its heartbeat', async () => {
    let calls = 0;
    const stopped: unknown[] = [];
    startPool(
      {
        flaky: () => {
          calls++;
          if (calls < 3)
            return Promise.reject(new KoppelError('blip', { code: 'x.blip', kind: 'transient' }));
          return Promise.resolve();
        },
        long: (_job, { signal }) =>
          new Promise<void>((_, reject) =>
            signal.addEventListener(
              'abort',
              () => {
                stopped.push((signal.reason as KoppelError).code);
                reject(signal.reason as Error);
              },
              { once: true },
            ),
          ),
      },
      'p1',
    );
    const flaky = await queue.enqueue({ queue: 'default', name: 'flaky' });
    expect(await until(flaky.id, (j) => j.state === 'completed')).toMatchObject({ attempts: 3 });
    const long = await queue.enqueue({ queue: 'default', name: 'long', lockKey: 'flow:l' });
    await until(long.id, (j) => j.state === 'running');
    expect(await queue.cancel(long.id)).toBe('requested');
    expect(await until(long.id, (j) => j.state === 'cancelled')).toMatchObject({ attempts: 1 });
    expect(stopped).toEqual([cancelledErrorCode]);
  });

  it('takes over the job of a pool whose process died, once its lease ran out', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' });
    // A worker that claims and then never beats again: its process was killed.
    await queue.claim('killed', { queues: ['default'], leaseMs: 300 });
    const ran: string[] = [];
    startPool({ 'flow.run': (job) => Promise.resolve(void ran.push(job.id)) }, 'survivor');
    expect(await until(id, (j) => j.state === 'completed')).toMatchObject({ attempts: 2 });
    expect(ran).toEqual([id]);
  });
});
