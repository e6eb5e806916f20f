import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { lostStartLimit } from './port.js';
import { StoreQueue } from './store-queue.js';

const lease = { queues: ['default'], leaseMs: 60_000 };

describe.each(testDialects)('StoreQueue on %s', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  let clock: ManualClock;
  let queue: StoreQueue;

  // One database per file and dialect (creating a Postgres database takes about a second here);
  // every test starts from an empty jobs table.
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

  it('stores a job with its defaults and the time of the injected clock', async () => {
    const { id, deduped } = await queue.enqueue({
      queue: 'default',
      name: 'flow.run',
      payload: { flow: 'f1' },
    });
    expect(deduped).toBe(false);
    expect(id).toMatch(/^job_/);
    expect(await queue.get(id)).toMatchObject({
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
      runAt: clock.now(),
      createdAt: clock.now(),
      lockedBy: null,
      finishedAt: null,
    });
    expect(await queue.get('job_missing')).toBeNull();
  });

  it('dedupes against a queued or running job with the same key, not against finished ones', async () => {
    const first = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' });
    expect(await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' })).toEqual({
      id: first.id,
      deduped: true,
    });

    await queue.claim('w1', lease);
    expect(await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' })).toEqual({
      id: first.id,
      deduped: true,
    });

    await queue.complete(first.id, 'w1');
    const second = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' });
    expect(second.deduped).toBe(false);
    expect(second.id).not.toBe(first.id);

    await queue.claim('w1', lease);
    await queue.fail(second.id, 'w1', { message: 'broken', retryAt: null });
    const third = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' });
    expect(third.deduped).toBe(false);
    expect(await queue.list()).toHaveLength(3);
  });

  it('with dedupeWhile queued, queues one job behind a running one and folds further requests into it', async () => {
    const spec = { queue: 'default', name: 'flow.run', dedupeKey: 'k', dedupeWhile: 'queued' as const };
    const first = await queue.enqueue(spec);
    expect(await queue.enqueue(spec)).toEqual({ id: first.id, deduped: true });
    await queue.claim('w1', lease);
    const second = await queue.enqueue(spec);
    expect(second.deduped).toBe(false);
    // The running job gave its key to the waiting one; it is still running for its worker.
    expect(await queue.get(first.id)).toMatchObject({ state: 'running', dedupeKey: null, lockedBy: 'w1' });
    expect(await queue.enqueue(spec)).toEqual({ id: second.id, deduped: true });
    // Without the option a request joins the running job, as before.
    await queue.claim('w1', lease);
    expect(await queue.enqueue({ queue: 'default', name: 'flow.run', dedupeKey: 'k' })).toEqual({
      id: second.id,
      deduped: true,
    });
  });

  it('lets exactly one of many concurrent enqueuers with the same key insert', async () => {
    const other = tdb.open();
    try {
      const queues = [queue, new StoreQueue(other, clock)];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          queues[i % 2]!.enqueue({ queue: 'default', name: 'n', dedupeKey: 'same' }),
        ),
      );
      expect(results.filter((r) => !r.deduped)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('claims by priority, then run_at, and only jobs that are due', async () => {
    const late = await queue.enqueue({
      queue: 'default',
      name: 'n',
      runAt: new Date('2026-01-01T00:00:30Z'),
    });
    clock.advance(1_000);
    const low = await queue.enqueue({ queue: 'default', name: 'n', priority: 200 });
    const olderNormal = await queue.enqueue({
      queue: 'default',
      name: 'n',
      runAt: new Date('2025-12-31T23:00:00Z'),
    });
    const normal = await queue.enqueue({ queue: 'default', name: 'n' });
    const urgent = await queue.enqueue({ queue: 'default', name: 'n', priority: 10 });

    const claimed = await queue.claim('w1', { ...lease, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([urgent.id, olderNormal.id, normal.id, low.id]);

    clock.set('2026-01-01T00:00:30Z');
    expect((await queue.claim('w1', { ...lease, limit: 10 })).map((j) => j.id)).toEqual([late.id]);
  });

  it('marks a claimed job running under a lease for its worker, from the given queues only', async () => {
    const mine = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.enqueue({ queue: 'other', name: 'n' });
    const [job, ...rest] = await queue.claim('w1', { ...lease, limit: 5 });
    expect(rest).toEqual([]);
    expect(job).toMatchObject({
      id: mine.id,
      state: 'running',
      attempts: 1,
      lockedBy: 'w1',
      lockedUntil: new Date('2026-01-01T00:01:00.000Z'),
    });
    expect(await queue.claim('w2', { ...lease, limit: 5 })).toEqual([]);
    expect(await queue.claim('w2', { queues: [], leaseMs: 1_000 })).toEqual([]);
  });

  it('never claims a job whose lock key a running job holds, nor two with one key in one call', async () => {
    const a1 = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow-a' });
    const a2 = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow-a', priority: 1 });
    clock.advance(1);
    const b1 = await queue.enqueue({ queue: 'default', name: 'n', lockKey: 'flow-b' });
    clock.advance(1);
    const free = await queue.enqueue({ queue: 'default', name: 'n' });

    const first = await queue.claim('w1', { ...lease, limit: 10 });
    expect(first.map((j) => j.id)).toEqual([a2.id, b1.id, free.id]);
    expect(await queue.claim('w2', { ...lease, limit: 10 })).toEqual([]);

    await queue.complete(a2.id, 'w1');
    expect((await queue.claim('w2', { ...lease, limit: 10 })).map((j) => j.id)).toEqual([a1.id]);
  });

  it('queues a failed attempt again at its retry time and claims it once the clock passes it', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.claim('w1', lease);
    const retryAt = new Date('2026-01-01T00:00:10.000Z');
    expect(await queue.fail(id, 'w1', { message: 'timeout talking to Exact', retryAt })).toBe('queued');
    expect(await queue.get(id)).toMatchObject({
      state: 'queued',
      runAt: retryAt,
      attempts: 1,
      lastError: 'timeout talking to Exact',
      lockedBy: null,
      lockedUntil: null,
      finishedAt: null,
    });

    clock.advance(9_999);
    expect(await queue.claim('w1', lease)).toEqual([]);
    clock.advance(1);
    const [again] = await queue.claim('w1', lease);
    expect(again).toMatchObject({ id, attempts: 2 });
  });

  it('fails a job for good without a retry time, or when its attempts are used up, and keeps the row', async () => {
    const once = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 1 });
    const hopeless = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.claim('w1', { ...lease, limit: 2 });

    clock.advance(500);
    expect(await queue.fail(once.id, 'w1', { message: 'gave up', retryAt: clock.now() })).toBe('failed');
    expect(await queue.fail(hopeless.id, 'w1', { message: 'invalid VAT code', retryAt: null })).toBe(
      'failed',
    );

    for (const [id, message] of [
      [once.id, 'gave up'],
      [hopeless.id, 'invalid VAT code'],
    ] as const) {
      expect(await queue.get(id)).toMatchObject({
        state: 'failed',
        lastError: message,
        attempts: 1,
        finishedAt: clock.now(),
        lockedBy: null,
      });
    }
    clock.advance(60_000);
    expect(await queue.claim('w1', { ...lease, limit: 5 })).toEqual([]);
    expect((await queue.list({ state: 'failed' })).map((j) => j.id).sort()).toEqual(
      [once.id, hopeless.id].sort(),
    );
  });

  it('only lets the worker holding a job complete, fail or renew it', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n' });
    expect(await queue.complete(id, 'w1')).toBe(false);
    await queue.claim('w1', lease);
    expect(await queue.complete(id, 'w2')).toBe(false);
    expect(await queue.fail(id, 'w2', { message: 'x', retryAt: null })).toBeNull();
    expect(await queue.heartbeat(id, 'w2', 1_000)).toBe('lost');
    expect(await queue.complete(id, 'w1')).toBe(true);
    expect(await queue.complete(id, 'w1')).toBe(false);
    expect(await queue.get(id)).toMatchObject({ state: 'completed', finishedAt: clock.now() });
  });

  it('extends a lease on heartbeat and reaps a job whose lease ran out', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.claim('w1', { ...lease, leaseMs: 30_000 });

    clock.advance(20_000);
    expect(await queue.heartbeat(id, 'w1', 30_000)).toBe('ours');
    expect((await queue.get(id))?.lockedUntil).toEqual(new Date('2026-01-01T00:00:50.000Z'));

    clock.advance(29_000);
    expect(await queue.reapExpired()).toBe(0);
    clock.advance(1_001);
    expect(await queue.reapExpired()).toBe(1);
    expect(await queue.get(id)).toMatchObject({
      state: 'queued',
      lockedBy: null,
      lockedUntil: null,
      attempts: 1,
      lastError: 'lease expired: worker w1 stopped renewing it',
    });
    expect(await queue.heartbeat(id, 'w1', 30_000)).toBe('lost');
    expect(await queue.complete(id, 'w1')).toBe(false);

    const [again] = await queue.claim('w2', lease);
    expect(again).toMatchObject({ id, attempts: 2, lockedBy: 'w2' });
  });

  it('gives a reaped job its start back, and fails it once it lost its worker at its last allowed start', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', maxAttempts: 1 });
    await queue.claim('w1', { ...lease, leaseMs: 1_000 });
    clock.advance(1_001);
    expect(await queue.reapExpired()).toBe(1);
    expect(await queue.get(id)).toMatchObject({ state: 'queued', attempts: 1, maxAttempts: 2 });
    // Started as often as any job may be: that loss is the last.
    await store.db
      .updateTable('jobs')
      .set({ attempts: lostStartLimit - 1 })
      .where('id', '=', id)
      .execute();
    await queue.claim('w2', { ...lease, leaseMs: 1_000 });
    clock.advance(1_001);
    expect(await queue.reapExpired()).toBe(1);
    expect(await queue.get(id)).toMatchObject({
      state: 'failed',
      attempts: lostStartLimit,
      finishedAt: clock.now(),
    });
  });

  it('cancels a queued job at once, and never claims it', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' });
    expect(await queue.cancel(id)).toBe('cancelled');
    expect(await queue.get(id)).toMatchObject({
      state: 'cancelled',
      cancelRequestedAt: clock.now(),
      finishedAt: clock.now(),
    });
    expect(await queue.claim('w1', lease)).toEqual([]);
    // The cancelled job no longer holds its dedupe key.
    expect((await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k' })).deduped).toBe(false);
    expect(await queue.cancel(id)).toBe('finished');
    expect(await queue.cancel('job_missing')).toBeNull();
  });

  it('marks a running job cancelled for its worker to stop, keeps its lease, and never retries it', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k', lockKey: 'l' });
    await queue.claim('w1', lease);
    expect(await queue.cancel(id)).toBe('requested');
    expect(await queue.cancel(id)).toBe('requested');
    // A new request for the same work is a new job, which waits for the lock the stopping one holds.
    const next = await queue.enqueue({ queue: 'default', name: 'n', dedupeKey: 'k', lockKey: 'l' });
    expect(next.deduped).toBe(false);
    expect(await queue.claim('w2', lease)).toEqual([]);
    clock.advance(30_000);
    expect(await queue.heartbeat(id, 'w1', 60_000)).toBe('cancel_requested');
    expect((await queue.get(id))?.lockedUntil).toEqual(new Date(clock.now().getTime() + 60_000));
    // Whatever retry time the worker's outcome asks for, a cancelled job is not queued again.
    expect(await queue.fail(id, 'w1', { message: 'Cancelled on request', retryAt: clock.now() })).toBe(
      'cancelled',
    );
    expect(await queue.get(id)).toMatchObject({
      state: 'cancelled',
      finishedAt: clock.now(),
      lockedBy: null,
    });
    expect((await queue.claim('w2', lease)).map((j) => j.id)).toEqual([next.id]);
  });

  it('ends a reaped job that someone asked to cancel as cancelled', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n' });
    await queue.claim('w1', { ...lease, leaseMs: 1_000 });
    await queue.cancel(id);
    clock.advance(1_001);
    expect(await queue.reapExpired()).toBe(1);
    expect(await queue.get(id)).toMatchObject({ state: 'cancelled', finishedAt: clock.now() });
  });

  it('lists jobs newest first, by state and queue, up to a limit', async () => {
    const ids: string[] = [];
    for (const q of ['a', 'b', 'a']) {
      ids.push((await queue.enqueue({ queue: q, name: 'n' })).id);
      clock.advance(1);
    }
    await queue.claim('w1', { queues: ['b'], leaseMs: 1_000 });
    expect((await queue.list()).map((j) => j.id)).toEqual([...ids].reverse());
    expect((await queue.list({ queue: 'a' })).map((j) => j.id)).toEqual([ids[2], ids[0]]);
    expect((await queue.list({ state: 'running' })).map((j) => j.id)).toEqual([ids[1]]);
    expect((await queue.list({ state: 'queued', queue: 'a', limit: 1 })).map((j) => j.id)).toEqual([ids[2]]);
  });
});
