import { afterEach, describe, expect, it } from 'vitest';
import { saveWorker } from '../store/repos/workers.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../testing/engine-harness.js';
import { loopbackRegistry } from '../testing/loopback-flow.js';
import { runKoppel } from '../testing/run-koppel.js';

describe.each(testDialects)('koppel workers on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => {
    await h?.close();
  });
  const koppel = (...args: string[]) => runKoppel(h, args, { registry: loopbackRegistry, clock: h.clock });

  it('lists live processes with what they run, then gone ones, as a table and as JSON', async () => {
    h = await createEngineHarness(dialect);
    expect((await koppel('workers')).out).toContain('No Koppel process is running on this database');

    const now = h.clock.now().getTime();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    await saveWorker(h.store.db, {
      id: 'web-1:10:aaaaaa',
      host: 'web-1',
      pid: 10,
      role: 'web',
      startedAt: at(3_600_000),
      lastSeenAt: at(2_000),
      concurrency: 0,
      running: [],
    });
    await saveWorker(h.store.db, {
      id: 'work-1:20:bbbbbb',
      host: 'work-1',
      pid: 20,
      role: 'worker',
      startedAt: at(3_000_000),
      lastSeenAt: at(1_000),
      concurrency: 4,
      running: [{ jobId: 'job-1', name: 'flow.run', flowId: 'orders', since: at(60_000) }],
    });
    await saveWorker(h.store.db, {
      id: 'work-2:30:cccccc',
      host: 'work-2',
      pid: 30,
      role: 'worker',
      startedAt: at(7_200_000),
      lastSeenAt: at(120_000),
      concurrency: 4,
      running: [{ jobId: 'job-2', name: 'flow.run', flowId: 'invoices', since: at(180_000) }],
    });

    const table = await koppel('workers');
    expect(table.code).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ROLE\s+HOST\/PID\s+SINCE\s+LAST SEEN\s+RUNNING NOW$/);
    expect(lines[2]).toMatch(/^web-1:10:aaaaaa\s+web\s+web-1\/10\s+\S+\s+\S+\s+\(runs no jobs\)$/);
    expect(lines[3]).toContain(`flow.run orders since ${at(60_000)}`);
    expect(lines[3]).toMatch(/^work-1:20:bbbbbb\s+worker\s+work-1\/20\s/);
    // Silent for two minutes: gone, and what it ran then is not shown as running.
    expect(lines[4]).toMatch(/^work-2:30:cccccc\s+worker\s+work-2\/30\s+\S+\s+\S+ \(gone\)\s+idle$/);

    const json = await koppel('workers', '--json');
    expect(json.code).toBe(0);
    const items = (JSON.parse(json.out) as { items: Array<Record<string, unknown>> }).items;
    expect(items.map((w) => [w.id, w.role, w.gone])).toEqual([
      ['web-1:10:aaaaaa', 'web', false],
      ['work-1:20:bbbbbb', 'worker', false],
      ['work-2:30:cccccc', 'worker', true],
    ]);
    expect(items[1]).toMatchObject({ host: 'work-1', pid: 20, concurrency: 4 });
  });

  it('refuses an unknown role before starting anything', async () => {
    h = await createEngineHarness(dialect);
    const start = await koppel('start', '--role', 'everything');
    expect(start.code).not.toBe(0);
    expect(start.err).toContain('--role must be all, web or worker, not "everything"');
  });
});
