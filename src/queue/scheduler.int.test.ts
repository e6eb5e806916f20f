import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { Scheduler, type Schedule } from './scheduler.js';
import { StoreQueue } from './store-queue.js';
import { StoreScheduleMarks } from './store-schedule-marks.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

const everyFiveMinutes: Schedule = {
  key: 'flow:orders',
  cron: '*/5 * * * *',
  name: 'flow.run',
  queue: 'flows',
  payload: { flow: 'orders' },
  lockKey: 'pair-1:orders',
  priority: 50,
};

describe.each(testDialects)('Scheduler on %s', (dialect) => {
  let tdb: TestDatabase;
  let stores: Store[];
  let clock: ManualClock;
  let queue: StoreQueue;

  const schedulerOn = (store: Store, schedules: () => Promise<Schedule[]>) =>
    new Scheduler({
      queue: new StoreQueue(store, clock),
      marks: new StoreScheduleMarks(store, clock),
      clock,
      logger,
      schedules,
      tickMs: 1_000,
    });

  const dedupeKeys = async () => (await queue.list()).map((j) => j.dedupeKey).reverse();

  // One database per file and dialect; every test starts without jobs and without schedule marks.
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    stores = [tdb.open()];
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await tdb.drop();
  });

  beforeEach(async () => {
    await stores[0]!.db.deleteFrom('jobs').execute();
    await stores[0]!.db.deleteFrom('settings').execute();
    clock = new ManualClock('2026-01-01T00:02:17.000Z');
    queue = new StoreQueue(stores[0]!, clock);
  });

  it('starts a new schedule at its next fire time and enqueues each fire time once', async () => {
    const scheduler = schedulerOn(stores[0]!, async () => [everyFiveMinutes]);
    expect(await scheduler.tick()).toBe(0);

    clock.set('2026-01-01T00:05:00.000Z');
    expect(await scheduler.tick()).toBe(1);
    clock.set('2026-01-01T00:05:01.000Z');
    expect(await scheduler.tick()).toBe(0);
    clock.set('2026-01-01T00:09:59.999Z');
    expect(await scheduler.tick()).toBe(0);
    clock.set('2026-01-01T00:10:00.000Z');
    expect(await scheduler.tick()).toBe(1);

    expect(await dedupeKeys()).toEqual([
      'flow:orders@2026-01-01T00:05:00.000Z',
      'flow:orders@2026-01-01T00:10:00.000Z',
    ]);
    const [latest] = await queue.list();
    expect(latest).toMatchObject({
      queue: 'flows',
      name: 'flow.run',
      payload: { flow: 'orders' },
      lockKey: 'pair-1:orders',
      priority: 50,
      runAt: new Date('2026-01-01T00:10:00.000Z'),
    });
  });

  it('enqueues only the latest missed fire time after downtime', async () => {
    const scheduler = schedulerOn(stores[0]!, async () => [everyFiveMinutes]);
    await scheduler.tick();
    clock.set('2026-01-01T00:05:00.000Z');
    await scheduler.tick();

    clock.set('2026-01-01T03:07:42.000Z');
    expect(await scheduler.tick()).toBe(1);
    expect(await dedupeKeys()).toEqual([
      'flow:orders@2026-01-01T00:05:00.000Z',
      'flow:orders@2026-01-01T03:05:00.000Z',
    ]);
  });

  it('remembers what it enqueued across a restart, even after the job finished', async () => {
    const before = schedulerOn(stores[0]!, async () => [everyFiveMinutes]);
    await before.tick();
    clock.set('2026-01-01T00:05:00.000Z');
    await before.tick();
    const [job] = await queue.claim('w1', { queues: ['flows'], leaseMs: 60_000 });
    await queue.complete(job!.id, 'w1');

    const restartedStore = tdb.open();
    stores.push(restartedStore);
    const after = schedulerOn(restartedStore, async () => [everyFiveMinutes]);
    clock.set('2026-01-01T00:06:00.000Z');
    expect(await after.tick()).toBe(0);
    expect(await dedupeKeys()).toEqual(['flow:orders@2026-01-01T00:05:00.000Z']);
  });

  it('lets two schedulers on two connections enqueue each fire time only once', async () => {
    const other = tdb.open();
    stores.push(other);
    const schedules = async () => [
      everyFiveMinutes,
      { ...everyFiveMinutes, key: 'flow:items', cron: '* * * * *' },
    ];
    const a = schedulerOn(stores[0]!, schedules);
    const b = schedulerOn(other, schedules);
    await Promise.all([a.tick(), b.tick()]);

    let enqueued = 0;
    for (let minute = 0; minute < 12; minute++) {
      clock.advance(60_000);
      const counts = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      enqueued += counts.reduce((x, y) => x + y, 0);
      // Finished jobs no longer hold their dedupe key; the marks alone must prevent repeats.
      for (const job of await queue.claim('w1', { queues: ['flows'], leaseMs: 60_000, limit: 10 })) {
        await queue.complete(job.id, 'w1');
      }
    }
    const keys = await dedupeKeys();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k?.startsWith('flow:items@'))).toHaveLength(12);
    expect(keys.filter((k) => k?.startsWith('flow:orders@'))).toEqual([
      'flow:orders@2026-01-01T00:05:00.000Z',
      'flow:orders@2026-01-01T00:10:00.000Z',
    ]);
    expect(enqueued).toBe(14);
  });

  it('reads the schedules on every tick and skips an invalid one without stopping the others', async () => {
    const schedules: Schedule[] = [{ ...everyFiveMinutes, key: 'broken', cron: 'every day at noon' }];
    const scheduler = schedulerOn(stores[0]!, async () => [...schedules]);
    await scheduler.tick();
    schedules.push(everyFiveMinutes);
    await scheduler.tick();
    clock.set('2026-01-01T00:05:00.000Z');
    expect(await scheduler.tick()).toBe(1);

    schedules.splice(1, 1, { ...everyFiveMinutes, cron: '0 * * * *' });
    clock.set('2026-01-01T00:10:00.000Z');
    expect(await scheduler.tick()).toBe(0);
    clock.set('2026-01-01T01:00:00.000Z');
    expect(await scheduler.tick()).toBe(1);
    expect(await dedupeKeys()).toEqual([
      'flow:orders@2026-01-01T00:05:00.000Z',
      'flow:orders@2026-01-01T01:00:00.000Z',
    ]);
  });

  it('folds fires into the run that waits behind a long one, so it runs once after it and then nothing', async () => {
    const everyMinute: Schedule = {
      ...everyFiveMinutes,
      cron: '* * * * *',
      dedupeKey: 'flow.run:orders',
      dedupeWhile: 'queued',
    };
    const scheduler = schedulerOn(stores[0]!, async () => [everyMinute]);
    await scheduler.tick();
    const claim = () => queue.claim('w1', { queues: ['flows'], leaseMs: 60_000, limit: 10 });
    const inState = async (state: string) => (await queue.list()).filter((j) => j.state === state);

    clock.set('2026-01-01T00:03:00.000Z');
    expect(await scheduler.tick()).toBe(1);
    const [long] = await claim();
    // A fire while the run is going, none waiting: a new run waits, for changes the going one missed.
    clock.set('2026-01-01T00:04:00.000Z');
    expect(await scheduler.tick()).toBe(1);
    const [waiting] = await inState('queued');

    for (let minute = 5; minute < 10; minute++) {
      clock.set(`2026-01-01T00:0${minute}:00.000Z`);
      expect(await scheduler.tick()).toBe(0);
    }
    // Requests from elsewhere (another process, a webhook) with the flow's key fold in too.
    const other = tdb.open();
    stores.push(other);
    const requests = await Promise.all(
      [stores[0]!, other].map((store) =>
        new StoreQueue(store, clock).enqueue({
          queue: 'flows',
          name: 'flow.run',
          dedupeKey: 'flow.run:orders',
          dedupeWhile: 'queued',
        }),
      ),
    );
    expect(requests).toEqual([
      { id: waiting!.id, deduped: true },
      { id: waiting!.id, deduped: true },
    ]);
    expect((await inState('running')).map((j) => j.id)).toEqual([long!.id]);
    expect((await inState('queued')).map((j) => j.id)).toEqual([waiting!.id]);

    // The lock key holds the waiting run back until the long one ends; then it runs, then nothing.
    expect(await claim()).toEqual([]);
    await queue.complete(long!.id, 'w1');
    expect((await claim()).map((j) => j.id)).toEqual([waiting!.id]);
    await queue.complete(waiting!.id, 'w1');
    expect(await claim()).toEqual([]);
    expect(await queue.list()).toHaveLength(2);
  });

  it('still queues one job per fire time for a schedule without a dedupe key of its own', async () => {
    const scheduler = schedulerOn(stores[0]!, async () => [everyFiveMinutes]);
    await scheduler.tick();
    for (const at of ['00:05', '00:10', '00:15']) {
      clock.set(`2026-01-01T${at}:00.000Z`);
      expect(await scheduler.tick()).toBe(1);
    }
    expect((await queue.list()).filter((j) => j.state === 'queued')).toHaveLength(3);
  });

  it('triggers a schedule or any job on demand, now', async () => {
    const scheduler = schedulerOn(stores[0]!, async () => []);
    const fromSchedule = await scheduler.trigger(everyFiveMinutes);
    const fromSpec = await scheduler.trigger({
      queue: 'maintenance',
      name: 'retention.purge',
      dedupeKey: 'purge',
    });
    expect(await queue.get(fromSchedule.id)).toMatchObject({
      name: 'flow.run',
      lockKey: 'pair-1:orders',
      dedupeKey: null,
      runAt: clock.now(),
    });
    expect(await queue.get(fromSpec.id)).toMatchObject({ name: 'retention.purge', dedupeKey: 'purge' });
    expect(
      await scheduler.trigger({ queue: 'maintenance', name: 'retention.purge', dedupeKey: 'purge' }),
    ).toEqual({ id: fromSpec.id, deduped: true });
  });

  it('ticks on its own once started, until stopped', async () => {
    const scheduler = schedulerOn(stores[0]!, async () => [everyFiveMinutes]);
    scheduler.start();
    const marks = new StoreScheduleMarks(stores[0]!, clock);
    await vi.waitFor(async () => expect(await marks.last('flow:orders')).not.toBeNull(), { interval: 5 });

    await vi.waitFor(
      async () => {
        // Each step wakes the scheduler's 1 s tick; 00:05 is reached within a few of them. A tick
        // that read the clock just before 00:05 sleeps until a second after the clock moved on, so
        // the clock keeps moving, by single seconds once past 00:05, until the job is there.
        const keys = await dedupeKeys();
        if (keys.length === 0) {
          clock.advance(clock.now() < new Date('2026-01-01T00:05:00.000Z') ? 30_000 : 1_000);
        }
        expect(keys).toEqual(['flow:orders@2026-01-01T00:05:00.000Z']);
      },
      { timeout: 5_000, interval: 5 },
    );
    await scheduler.stop();
    clock.set('2026-01-01T00:20:00.000Z');
    await new Promise((r) => setTimeout(r, 20));
    expect(await dedupeKeys()).toEqual(['flow:orders@2026-01-01T00:05:00.000Z']);
  });
});
