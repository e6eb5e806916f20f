import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../core/clock.js';
import { SecretBox } from '../core/secret-box.js';
import { StoreQueue } from '../queue/store-queue.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { harnessSecretKey, sampleItem, seedLoopbackFlow } from '../testing/engine-harness.js';
import { LoopbackServer } from '../testing/loopback-server.js';
import { flowRunJobSpec } from './enqueue-run.js';
import { engineQueue } from './job-names.js';

const entry = path.resolve(import.meta.dirname, '../testing/worker-pool-entry.ts');

interface Worker {
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; at: number }>;
}

/** A worker process of the service that works until job `jobId` has ended. */
function startWorker(tdb: TestDatabase, jobId: string, workerId: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      ...tdb.env,
      KOPPEL_SECRET_KEY: harnessSecretKey,
      KOPPEL_LOG_LEVEL: 'error',
      JOB_ID: jobId,
      WORKER_ID: workerId,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return {
    pid: child.pid!,
    exited: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, at: Date.now() }));
    }),
  };
}

describe.each(testDialects)('a killed worker’s flow run taken over on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let loopback: LoopbackServer | undefined;
  afterEach(async () => {
    await loopback?.stop();
    await tdb?.drop();
  });

  it('is finished by a second worker process once its lease runs out, every record written once', async () => {
    const items = 60;
    tdb = await createTestDatabase(dialect);
    loopback = await new LoopbackServer().start();
    const store = tdb.open();
    try {
      await seedLoopbackFlow(store, SecretBox.fromText(harnessSecretKey), loopback, 'items', {
        pageSize: 10,
      });
      for (let n = 1; n <= items; n++) loopback.put(sampleItem(n));
      const queue = new StoreQueue(store, systemClock);
      const { id } = await queue.enqueue({ ...flowRunJobSpec('items', 'manual', 100), queue: engineQueue });

      const first = startWorker(tdb, id, 'worker-a');
      // Killed by the target in the middle of the run, after its 25th create.
      loopback.armKill(25, first.pid);
      await vi.waitFor(async () => expect((await queue.get(id))?.lockedBy).toBe('worker-a'), {
        timeout: 30_000,
        interval: 50,
      });
      // The second worker is up and polling while the first one still runs, as in a real deployment.
      const second = startWorker(tdb, id, 'worker-b');
      const killed = await first.exited;
      expect(killed.signal).toBe('SIGKILL');

      const finished = await second.exited;
      expect(finished.code, finished.stdout).toBe(0);
      expect(JSON.parse(finished.stdout)).toMatchObject({ state: 'completed', attempts: 2 });

      const references = [...loopback.target.values()].map((t) => t.reference);
      expect(references).toHaveLength(items);
      expect(new Set(references).size).toBe(items);
      expect(await store.db.selectFrom('links').selectAll().execute()).toHaveLength(items);
      const runs = await store.db
        .selectFrom('runs')
        .select(['state', 'started_at', 'created_at'])
        .orderBy('created_at')
        .execute();
      expect(runs.at(-1)?.state).toBe('succeeded');
      // A figure for people, not an assertion: it depends on the lease, the poll and the machine.
      const resumedAt = new Date(runs.at(-1)!.started_at ?? runs.at(-1)!.created_at).getTime();
      process.stderr.write(
        `[${dialect}] killed worker's run resumed by another worker ${resumedAt - killed.at} ms after the kill\n`,
      );
    } finally {
      await store.close();
    }
  });
});
