import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import type { JobHandler } from './job-runner.js';
import type { Job } from './port.js';
import { StoreQueue } from './store-queue.js';
import { WorkerPool } from './worker-pool.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Wait for the gate, or give up when the pool aborts the handler (as a well-behaved handler does). */
function through(gate: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    gate.then(resolve, reject);
  });
}

describe.each(testDialects)('WorkerPool on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  let clock: ManualClock;
  let queue: StoreQueue;
  let pool: WorkerPool | undefined;

  const startPool = (handlers: Record<string, JobHandler>, concurrency = 2) => {
    pool = new WorkerPool({
      queue,
      clock,
      logger,
      concurrency,
      queues: ['default'],
      handlers,
      pollIntervalMs: 100,
      leaseMs: 30_000,
      backoff: { baseMs: 1_000, capMs: 3_000 },
      workerId: 'pool-1',
    });
    pool.start();
    return pool;
  };

  /** Wait (in real time, briefly) until the job reaches a state, moving the manual clock on if asked. */
  const until = async (id: string, predicate: (job: Job) => boolean, stepMs = 0): Promise<Job> =>
    vi.waitFor(
      async () => {
        clock.advance(stepMs);
        const job = await queue.get(id);
        if (!job || !predicate(job)) throw new Error(`job ${id} is ${job?.state}`);
        return job;
      },
      { timeout: 5_000, interval: 5 },
    );

  // One database per file and dialect; every test starts from an empty jobs table.
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    store = tdb.open();
  });

  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  beforeEach(async () => {
    await store.db.deleteFrom('jobs').execute();
    clock = new ManualClock('2026-01-01T00:00:00.000Z');
    queue = new StoreQueue(store, clock);
  });

  afterEach(async () => {
    await pool?.stop({ graceMs: 0 });
    pool = undefined;
  });

  it('runs the handler for a job name with its payload and completes the job', async () => {
    const seen: unknown[] = [];
    startPool({
      'flow.run': async (job) => {
        seen.push(job.payload);
      },
    });
    // Enqueued after the start: found on a later poll, when the clock has moved by the interval.
    const { id } = await queue.enqueue({ queue: 'default', name: 'flow.run', payload: { flow: 'orders' } });
    const job = await until(id, (j) => j.state === 'completed', 100);
    expect(job.attempts).toBe(1);
    expect(seen).toEqual([{ flow: 'orders' }]);
  });

  it('retries a failing job with capped exponential backoff until it succeeds', async () => {
    let calls = 0;
    const { id } = await queue.enqueue({ queue: 'default', name: 'flaky' });
    startPool({
      flaky: async () => {
        calls++;
        if (calls <= 3)
          throw new KoppelError('Exact answered 503', { code: 'exact.unavailable', kind: 'transient' });
      },
    });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      // The clock moves on in small steps, so each retry comes due while we watch.
      const job = await until(id, (j) => j.state === 'queued' && j.attempts === attempt, 100);
      expect(job.lastError).toBe('exact.unavailable: Exact answered 503');
      delays.push(job.runAt.getTime() - job.updatedAt.getTime());
    }
    expect(delays).toEqual([1_000, 2_000, 3_000]);
    const done = await until(id, (j) => j.state === 'completed', 100);
    expect(done.attempts).toBe(4);
  });

  it("waits as long as an error's retryAfterMs asks", async () => {
    let calls = 0;
    const { id } = await queue.enqueue({ queue: 'default', name: 'limited' });
    startPool({
      limited: async () => {
        if (++calls === 1) {
          throw new KoppelError('Too many requests', {
            code: 'exact.rate_limited',
            kind: 'rate_limited',
            retryAfterMs: 45_000,
          });
        }
      },
    });
    const job = await until(id, (j) => j.state === 'queued' && j.attempts === 1);
    expect(job.runAt).toEqual(new Date('2026-01-01T00:00:45.000Z'));
  });

  it('retries errors that are not ours and fails for good once attempts run out', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'broken', maxAttempts: 2 });
    startPool({
      broken: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    await until(id, (j) => j.state === 'queued' && j.attempts === 1);
    const job = await until(id, (j) => j.state === 'failed', 100);
    expect(job).toMatchObject({ attempts: 2, lastError: 'TypeError: cannot read properties of undefined' });
  });

  it('fails a job at once when its error kind says retrying cannot help', async () => {
    const kinds = ['invalid', 'auth', 'not_found', 'conflict'] as const;
    const ids = await Promise.all(kinds.map((kind) => queue.enqueue({ queue: 'default', name: kind })));
    startPool(
      Object.fromEntries(
        kinds.map((kind) => [
          kind,
          async () => {
            throw new KoppelError(`it is ${kind}`, { code: `test.${kind}`, kind });
          },
        ]),
      ),
      4,
    );
    for (const [i, { id }] of ids.entries()) {
      const job = await until(id, (j) => j.state === 'failed');
      expect(job).toMatchObject({ attempts: 1, lastError: `test.${kinds[i]}: it is ${kinds[i]}` });
    }
  });

  it('fails a job whose name has no handler, saying so', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'mystery.job' });
    startPool({ known: async () => {} });
    const job = await until(id, (j) => j.state === 'failed');
    expect(job.lastError).toBe('No handler for job name "mystery.job" in this worker pool');
    expect(job.attempts).toBe(1);
  });

  it('renews the lease while a handler runs, so the reaper leaves it alone', async () => {
    const release = deferred();
    const { id } = await queue.enqueue({ queue: 'default', name: 'slow' });
    startPool({ slow: (_job, { signal }) => through(release.promise, signal) });
    await until(id, (j) => j.state === 'running');

    // Past three times the 30 s lease, in steps well inside it; a heartbeat comes every 10 s.
    for (let beat = 0; beat < 9; beat++) {
      const before = (await queue.get(id))?.lockedUntil?.getTime() ?? 0;
      await until(id, (j) => (j.lockedUntil?.getTime() ?? 0) > before, 1_000);
      expect(await queue.reapExpired()).toBe(0);
    }
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-01-01T00:01:30Z'));
    release.resolve();
    const job = await until(id, (j) => j.state === 'completed');
    expect(job.attempts).toBe(1);
  });

  it('stops a cancelled job at its next heartbeat with queue.cancelled and records it cancelled, not retried', async () => {
    let reason: unknown;
    const { id } = await queue.enqueue({ queue: 'default', name: 'long' });
    startPool({
      long: async (_job, { signal }) => {
        await through(new Promise<void>(() => {}), signal).catch((e: unknown) => {
          reason = e;
        });
        // A handler that stops cleanly and returns (a run that commits what it did) is still cancelled.
      },
    });
    await until(id, (j) => j.state === 'running');
    expect(await queue.cancel(id)).toBe('requested');
    const job = await until(id, (j) => j.state === 'cancelled', 1_000);
    expect(reason).toMatchObject({ code: 'queue.cancelled', kind: 'conflict' });
    expect(job).toMatchObject({ attempts: 1, lastError: 'Cancelled on request', lockedBy: null });
    clock.advance(60_000);
    expect((await queue.get(id))?.state).toBe('cancelled');
  });

  it('runs jobs sharing a lock key one at a time, others beside them', async () => {
    let running = 0;
    let most = 0;
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const locked = await Promise.all(
      [1, 2, 3].map(() => queue.enqueue({ queue: 'default', name: 'step', lockKey: 'pair-1:orders' })),
    );
    const free = await queue.enqueue({ queue: 'default', name: 'step' });
    startPool(
      {
        step: async (job, { signal }) => {
          running++;
          most = Math.max(most, running);
          const gate = deferred();
          gates.set(job.id, gate);
          try {
            await through(gate.promise, signal);
          } finally {
            running--;
          }
        },
      },
      4,
    );

    const done = new Set<string>();
    for (let round = 0; round < 3; round++) {
      // Exactly one job of the key runs; finishing it lets the pool take the next one.
      const current = await vi.waitFor(
        async () => {
          const holders = (await queue.list({ state: 'running' })).filter((j) => j.lockKey !== null);
          expect(holders).toHaveLength(1);
          expect(gates.has(holders[0]!.id)).toBe(true);
          return holders[0]!;
        },
        { timeout: 5_000, interval: 5 },
      );
      expect(done.has(current.id)).toBe(false);
      gates.get(current.id)!.resolve();
      await until(current.id, (j) => j.state === 'completed');
      done.add(current.id);
    }
    expect((await queue.get(free.id))?.state).toBe('running');
    gates.get(free.id)!.resolve();
    await until(free.id, (j) => j.state === 'completed');
    expect([...done].sort()).toEqual(locked.map((j) => j.id).sort());
    expect(most).toBe(2);
  });

  it('stops claiming on stop and waits for running handlers to finish within the grace period', async () => {
    const release = deferred();
    let finished = false;
    const { id } = await queue.enqueue({ queue: 'default', name: 'work' });
    const current = startPool({
      work: async () => {
        await release.promise;
        finished = true;
      },
    });
    await until(id, (j) => j.state === 'running');

    const stopped = current.stop({ graceMs: 60_000 });
    const later = await queue.enqueue({ queue: 'default', name: 'work' });
    clock.advance(1_000);
    release.resolve();
    await stopped;
    expect(finished).toBe(true);
    expect((await queue.get(id))?.state).toBe('completed');
    clock.advance(1_000);
    expect((await queue.get(later.id))?.state).toBe('queued');
  });

  it('aborts handlers through their signal after the grace period and queues their jobs again', async () => {
    let reason: unknown;
    const { id } = await queue.enqueue({ queue: 'default', name: 'endless' });
    const current = startPool({
      endless: (_job, { signal }) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(new Error('aborted'));
          });
        }),
    });
    await until(id, (j) => j.state === 'running');

    const stopped = current.stop({ graceMs: 5_000 });
    clock.advance(4_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(reason).toBeUndefined();
    clock.advance(1);
    await stopped;
    expect(reason).toMatchObject({ code: 'queue.shutdown' });
    expect(await queue.get(id)).toMatchObject({
      state: 'queued',
      attempts: 1,
      runAt: clock.now(),
      lastError: 'Interrupted: the worker pool stopped (Error: aborted)',
    });
  });

  it('puts the jobs of a dead worker back in line and runs them', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'work' });
    await queue.claim('dead-worker', { queues: ['default'], leaseMs: 10_000 });
    const ran: string[] = [];
    startPool({
      work: async (job) => {
        ran.push(job.lockedBy);
      },
    });
    const job = await until(id, (j) => j.state === 'completed', 5_000);
    expect(job.attempts).toBe(2);
    expect(ran).toEqual(['pool-1']);
  });
});
