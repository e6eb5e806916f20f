import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { workersView } from '../engine/workers-view.js';
import { listWorkers, saveWorker, type RunningJobEntry } from '../store/repos/workers.js';
import { freshStorePerTest, testDialects } from '../testing/databases.js';
import { ProcessRegistration } from './process-registry.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

describe.each(testDialects)('the worker registry on %s', (dialect) => {
  const stores = freshStorePerTest(dialect);

  it('registers at start, refreshes what it runs, shows a silent process as gone, purges it after a day, and leaves on stop', async () => {
    const store = await stores.open();
    const clock = new ManualClock('2026-03-02T10:00:00.000Z');
    let running: RunningJobEntry[] = [];
    const worker = new ProcessRegistration({
      store,
      clock,
      logger,
      id: 'host-a:101:abc123',
      role: 'worker',
      concurrency: 3,
      running: () => running,
    });
    const web = new ProcessRegistration({
      store,
      clock,
      logger,
      role: 'web',
      concurrency: 0,
      running: () => [],
    });
    await worker.start();
    await web.start();
    // A process killed long ago, and one killed a minute ago: neither removed its row.
    await saveWorker(store.db, {
      id: 'host-b:7:old',
      host: 'host-b',
      pid: 7,
      role: 'all',
      startedAt: '2026-02-27T08:00:00.000Z',
      lastSeenAt: '2026-03-01T09:59:00.000Z',
      concurrency: 2,
      running: [],
    });
    await saveWorker(store.db, {
      id: 'host-c:8:recent',
      host: 'host-c',
      pid: 8,
      role: 'worker',
      startedAt: '2026-03-02T09:00:00.000Z',
      lastSeenAt: '2026-03-02T09:59:00.000Z',
      concurrency: 2,
      running: [{ jobId: 'job-x', name: 'flow.run', flowId: 'orders', since: '2026-03-02T09:58:00.000Z' }],
    });

    const first = await workersView(store.db, clock);
    expect(first.map((w) => [w.id, w.role, w.gone])).toEqual([
      ['host-a:101:abc123', 'worker', false],
      [web.id, 'web', false],
      ['host-b:7:old', 'all', true],
      ['host-c:8:recent', 'worker', true],
    ]);
    expect(first[0]).toMatchObject({ pid: process.pid, concurrency: 3, running: [] });
    // What a gone process ran is no longer true.
    expect(first[3]!.running).toEqual([]);

    running = [{ jobId: 'job-1', name: 'flow.run', flowId: 'demo-items', since: '2026-03-02T10:00:02.000Z' }];
    clock.advance(5_000);
    await vi.waitFor(
      async () => {
        const rows = await listWorkers(store.db);
        const a = rows.find((r) => r.id === worker.id)!;
        expect(a.lastSeenAt).toBe('2026-03-02T10:00:05.000Z');
        expect(a.running).toEqual(running);
        // Not seen for more than a day: forgotten at the refresh.
        expect(rows.map((r) => r.id)).not.toContain('host-b:7:old');
      },
      { timeout: 10_000 },
    );
    expect((await workersView(store.db, clock))[0]!.startedAt).toBe('2026-03-02T10:00:00.000Z');

    await web.stop();
    await worker.stop();
    expect((await listWorkers(store.db)).map((r) => r.id)).toEqual(['host-c:8:recent']);
  });
});
