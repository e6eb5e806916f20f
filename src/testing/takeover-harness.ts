import { spawn } from 'node:child_process';
import path from 'node:path';
import { systemClock } from '../core/clock.js';
import { SecretBox } from '../core/secret-box.js';
import { flowRunJobSpec } from '../engine/enqueue-run.js';
import { engineQueue } from '../engine/job-names.js';
import type { QueueEngine } from '../core/config.js';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { PgBossQueue } from '../queue/pg-boss-queue.js';
import type { JobQueue } from '../queue/port.js';
import { StoreQueue } from '../queue/store-queue.js';
import type { DialectName, Store } from '../store/database.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { harnessSecretKey, sampleItem, seedLoopbackFlow } from './engine-harness.js';
import { LoopbackServer } from './loopback-server.js';

/**
 * Test-only: a flow run taken over from a killed worker process. Worker processes
 * (worker-pool-entry.ts) run the service's worker pool with the product's lease settings; the
 * loopback target kills the first one mid-run, and a second one, polling all along, finishes it.
 */

const entry = path.resolve(import.meta.dirname, 'worker-pool-entry.ts');

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Epoch ms at which the test process saw the exit. */
  at: number;
}

export interface WorkerProcess {
  pid: number;
  exited: Promise<WorkerExit>;
}

/** A worker process of the service that works until job `jobId` has ended. */
export function startWorker(
  tdb: TestDatabase,
  jobId: string,
  workerId: string,
  engine: QueueEngine = 'store',
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      ...tdb.env,
      KOPPEL_QUEUE: engine,
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

export interface TakeoverSetup {
  tdb: TestDatabase;
  loopback: LoopbackServer;
  store: Store;
  engine: QueueEngine;
  /** The job queue the workers use, seen from the test. */
  queue: JobQueue;
  /** The queued flow.run job of flow `items`. */
  jobId: string;
  items: number;
  close(): Promise<void>;
}

/** A fresh database with the loopback flow `items` over `items` source items, and its run queued. */
export async function startTakeoverSetup(
  dialect: DialectName,
  items: number,
  engine: QueueEngine = 'store',
): Promise<TakeoverSetup> {
  const tdb = await createTestDatabase(dialect);
  const loopback = await new LoopbackServer().start();
  const store = tdb.open();
  const bossQueue =
    engine === 'pg-boss'
      ? new PgBossQueue({
          databaseUrl: tdb.env.DATABASE_URL ?? '',
          logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
        })
      : undefined;
  const queue: JobQueue = bossQueue ?? new StoreQueue(store, systemClock);
  const close = async () => {
    await bossQueue?.stop();
    await store.close();
    await loopback.stop();
    await tdb.drop();
  };
  try {
    await seedLoopbackFlow(store, SecretBox.fromText(harnessSecretKey), loopback, 'items', { pageSize: 10 });
    for (let n = 1; n <= items; n++) loopback.put(sampleItem(n));
    const { id } = await queue.enqueue({ ...flowRunJobSpec('items', 'manual', 100), queue: engineQueue });
    return { tdb, loopback, store, engine, queue, jobId: id, items, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export interface Takeover {
  killed: WorkerExit;
  finished: WorkerExit;
  /** From the kill to the start of the run that finished the job (its `started_at`). */
  delayMs: number;
}

/**
 * Worker A claims the run and is killed by the target after its `killAfterCreates`-th create;
 * worker B, started once A holds the job, takes it over when A's lease has run out.
 */
export async function killAndTakeOver(s: TakeoverSetup, killAfterCreates: number): Promise<Takeover> {
  const queue = s.queue;
  const first = startWorker(s.tdb, s.jobId, 'worker-a', s.engine);
  s.loopback.armKill(killAfterCreates, first.pid);
  for (let waited = 0; (await queue.get(s.jobId))?.lockedBy !== 'worker-a'; waited++) {
    if (waited > 600) throw new Error('worker-a never claimed the job');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The second worker is up and polling while the first still runs, as in a real deployment.
  const second = startWorker(s.tdb, s.jobId, 'worker-b', s.engine);
  const killed = await first.exited;
  const finished = await second.exited;
  const last = await s.store.db
    .selectFrom('runs')
    .select(['started_at', 'created_at'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const resumedAt = new Date(last?.started_at ?? last?.created_at ?? Number.NaN).getTime();
  return { killed, finished, delayMs: resumedAt - killed.at };
}
