import { randomBytes } from 'node:crypto';
import type { App } from '../main.js';
import {
  jobHeartbeatIntervalMs,
  jobLeaseMs,
  WorkerPool,
  type EnqueueSpec,
  type Job,
  type JobHandler,
} from '../queue/index.js';

/**
 * Run one job in this process, through the job queue: it takes the same lock key as jobs of a
 * running Koppel, so a command never overlaps a run of the same flow; this process serves its own
 * private queue and stops once the job has its outcome. One attempt: the command reports failure.
 */
export async function runLocalJob(
  app: App,
  spec: Omit<EnqueueSpec, 'queue' | 'maxAttempts'>,
  handlers: Record<string, JobHandler>,
  onWaiting: () => void = () => undefined,
): Promise<Job> {
  const queue = app.queue;
  const privateQueue = `cli-${process.pid}-${randomBytes(3).toString('hex')}`;
  const pool = new WorkerPool({
    queue,
    clock: app.clock,
    logger: app.logger,
    concurrency: 1,
    queues: [privateQueue],
    handlers,
    pollIntervalMs: 200,
    // Short like the service's: if this process is killed, the flow's lock key is free again soon.
    leaseMs: jobLeaseMs,
    // A `koppel runs cancel` from another shell stops the run at the next heartbeat.
    heartbeatIntervalMs: jobHeartbeatIntervalMs,
    backoff: { baseMs: 1_000, capMs: 1_000 },
  });
  // Never deduplicated against a job of the service: this process can only run what it enqueued.
  const { dedupeKey: _shared, ...own } = spec;
  const { id } = await queue.enqueue({ ...own, queue: privateQueue, maxAttempts: 1 });
  pool.start();
  let waited = 0;
  try {
    for (;;) {
      const job = await queue.get(id);
      if (!job || job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled') break;
      if (job.state === 'queued' && ++waited === 10) onWaiting();
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await pool.stop({ graceMs: 1_000 });
  }
  return (await queue.get(id)) as Job;
}
