import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import type { JobHandler } from './job-runner.js';
import type { JobState } from './port.js';
import { StoreQueue } from './store-queue.js';
import { WorkerPool } from './worker-pool.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });
const pollIntervalMs = 100;

describe.each(testDialects)('a worker pool with a slot kept for live work, on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  let clock: ManualClock;
  let queue: StoreQueue;
  let pool: WorkerPool | undefined;
  let release: () => void;
  let gate: Promise<void>;

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
    gate = new Promise<void>((resolve) => (release = resolve));
  });
  afterEach(async () => {
    release();
    await pool?.stop({ graceMs: 0 });
    pool = undefined;
  });

  /** Every job holds its slot until the test opens the gate. */
  const held: JobHandler = () => gate;

  function startPool(concurrency: number) {
    pool = new WorkerPool({
      queue,
      clock,
      logger,
      concurrency,
      queues: ['engine', 'engine.backfill'],
      reserve: { slots: 1, forQueues: ['engine'] },
      handlers: { 'flow.run': held },
      pollIntervalMs,
      leaseMs: 3_600_000,
      heartbeatIntervalMs: 600_000,
      backoff: { baseMs: 1_000, capMs: 1_000 },
      workerId: 'pool-1',
    });
    pool.start();
  }

  const states = async (ids: string[]): Promise<JobState[]> =>
    Promise.all(ids.map(async (id) => (await queue.get(id))!.state));

  /** Polls of the pool, each one interval of the manual clock, until `check` holds. */
  const afterPolls = (check: () => Promise<void>) =>
    vi.waitFor(
      async () => {
        clock.advance(pollIntervalMs);
        await check();
      },
      { timeout: 5_000, interval: 10 },
    );

  it('never lets backfills fill the last free slot, and starts a live run in it within one poll', async () => {
    const backfills = await Promise.all(
      [1, 2, 3].map(
        async (n) =>
          (await queue.enqueue({ queue: 'engine.backfill', name: 'flow.run', lockKey: `flow:b${n}` })).id,
      ),
    );
    startPool(3);
    await afterPolls(async () => expect(await states(backfills)).toEqual(['running', 'running', 'queued']));
    // More polls change nothing: the third backfill is due, a slot is free, and it still waits.
    for (let i = 0; i < 5; i++) {
      clock.advance(pollIntervalMs);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await states(backfills)).toEqual(['running', 'running', 'queued']);

    const { id: live } = await queue.enqueue({
      queue: 'engine',
      name: 'flow.run',
      lockKey: 'flow:live',
      priority: 100,
    });
    clock.advance(pollIntervalMs);
    await vi.waitFor(async () => expect(await states([live])).toEqual(['running']), {
      timeout: 2_000,
      interval: 5,
    });
    expect(await states(backfills)).toEqual(['running', 'running', 'queued']);

    release();
    await afterPolls(async () =>
      expect(await states([...backfills, live])).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
      ]),
    );
  });

  it('lets work of the kept queue take every slot', async () => {
    const live = await Promise.all(
      [1, 2, 3].map(
        async (n) => (await queue.enqueue({ queue: 'engine', name: 'flow.run', lockKey: `flow:l${n}` })).id,
      ),
    );
    startPool(3);
    await afterPolls(async () => expect(await states(live)).toEqual(['running', 'running', 'running']));
  });

  it('still runs backfills in a pool of one', async () => {
    const { id } = await queue.enqueue({ queue: 'engine.backfill', name: 'flow.run' });
    startPool(1);
    await afterPolls(async () => expect(await states([id])).toEqual(['running']));
  });
});
