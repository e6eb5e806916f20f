import { systemClock } from '../src/core/clock.js';
import { createLogger } from '../src/core/logging.js';
import { SecretRegistry } from '../src/core/secret-registry.js';
import { PgBossQueue } from '../src/queue/pg-boss-queue.js';
import type { JobQueue } from '../src/queue/port.js';
import { StoreQueue } from '../src/queue/store-queue.js';
import type { DialectName } from '../src/store/database.js';
import { createTestDatabase } from '../src/testing/databases.js';

/**
 * The job queue under load, per adapter: BENCH_JOBS jobs (half under one of BENCH_LOCK_KEYS lock
 * keys, as flow runs are, half without), enqueued one by one, then taken by BENCH_CLAIMERS
 * claimers (each its own connections, as processes are) that claim two at a time and complete
 * them at once, until none is left. Prints enqueues per second, claimed-and-completed jobs per
 * second, and the claim call's median and 95th-percentile time.
 */
const jobCount = Number(process.env.BENCH_JOBS ?? 2_000);
const lockKeys = Number(process.env.BENCH_LOCK_KEYS ?? 50);
const claimers = Number(process.env.BENCH_CLAIMERS ?? 4);
const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

interface Adapter {
  label: string;
  dialect: DialectName;
  engine: 'store' | 'pg-boss';
}

const adapters: Adapter[] = [
  { label: 'store on sqlite', dialect: 'sqlite', engine: 'store' },
  { label: 'store on postgres', dialect: 'postgres', engine: 'store' },
  { label: 'pg-boss on postgres', dialect: 'postgres', engine: 'pg-boss' },
];

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function measure(adapter: Adapter): Promise<Record<string, number | string>> {
  const tdb = await createTestDatabase(adapter.dialect);
  const closers: Array<() => Promise<void>> = [];
  const open = async (): Promise<JobQueue> => {
    if (adapter.engine === 'pg-boss') {
      const q = new PgBossQueue({ databaseUrl: tdb.env.DATABASE_URL ?? '', logger });
      await q.start();
      closers.push(() => q.stop());
      return q;
    }
    const store = tdb.open();
    closers.push(() => store.close());
    return new StoreQueue(store, systemClock);
  };
  try {
    const queues = await Promise.all(Array.from({ length: claimers }, open));
    const t0 = performance.now();
    for (let i = 0; i < jobCount; i++) {
      await queues[0]!.enqueue({
        queue: 'engine',
        name: 'flow.run',
        ...(i % 2 === 0 ? { lockKey: `flow:${i % lockKeys}` } : {}),
        priority: i % 3 === 0 ? 50 : 100,
      });
    }
    const enqueueMs = performance.now() - t0;
    const claimMs: number[] = [];
    let done = 0;
    const t1 = performance.now();
    await Promise.all(
      queues.map(async (q, w) => {
        for (let idle = 0; idle < 3;) {
          const c0 = performance.now();
          const jobs = await q.claim(`w${w}`, { queues: ['engine'], leaseMs: 60_000, limit: 2 });
          claimMs.push(performance.now() - c0);
          if (jobs.length === 0) {
            idle++;
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          idle = 0;
          for (const job of jobs) if (await q.complete(job.id, `w${w}`)) done++;
        }
      }),
    );
    const drainMs = performance.now() - t1;
    const row = {
      adapter: adapter.label,
      jobs: jobCount,
      completed: done,
      enqueuePerSecond: Math.round(jobCount / (enqueueMs / 1000)),
      completedPerSecond: Math.round(done / (drainMs / 1000)),
      claimMsMedian: Math.round(percentile(claimMs, 50) * 10) / 10,
      claimMsP95: Math.round(percentile(claimMs, 95) * 10) / 10,
    };
    process.stdout.write(
      `job-queue ${adapter.label}: ${jobCount} jobs, ${claimers} claimers: enqueue ${row.enqueuePerSecond}/s, claim+complete ${row.completedPerSecond}/s (${done} done), claim median ${row.claimMsMedian} ms, p95 ${row.claimMsP95} ms\n`,
    );
    return row;
  } finally {
    for (const close of closers) await close();
    await tdb.drop();
  }
}

export async function jobQueueBench(): Promise<void> {
  const rows = [];
  for (const adapter of adapters) rows.push(await measure(adapter));
  process.stdout.write(`${JSON.stringify({ bench: 'job-queue', rows })}\n`);
}
