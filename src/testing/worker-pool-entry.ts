/**
 * Test-only child process: a worker of the service as it runs in production (a WorkerPool on the
 * engine queue with the engine's job handlers and the product's lease and heartbeat settings), for
 * the loopback flow kinds. It works until job JOB_ID has ended, prints that job's state as one JSON
 * line and exits. The takeover test kills one such worker mid-run and lets another take the job over.
 */
import { loadConfig } from '../core/config.js';
import { engineJobHandlers } from '../engine/job-handlers.js';
import { engineQueues } from '../engine/job-names.js';
import { createApp } from '../main.js';
import { jobHeartbeatIntervalMs, jobLeaseMs, WorkerPool } from '../queue/index.js';
import { loopbackRegistry } from './loopback-flow.js';

const jobId = process.env.JOB_ID;
if (!jobId) throw new Error('JOB_ID is not set');
const app = await createApp(loadConfig(process.env), { registry: loopbackRegistry });
// The queue KOPPEL_QUEUE names, as the service's worker uses.
const queue = app.queue;
const pool = new WorkerPool({
  queue,
  clock: app.clock,
  logger: app.logger,
  concurrency: 1,
  queues: engineQueues,
  handlers: engineJobHandlers(app.engine),
  // The service's default poll.
  pollIntervalMs: 1_000,
  leaseMs: jobLeaseMs,
  heartbeatIntervalMs: jobHeartbeatIntervalMs,
  backoff: { baseMs: 1_000, capMs: 1_000 },
  ...(process.env.WORKER_ID ? { workerId: process.env.WORKER_ID } : {}),
});
pool.start();
try {
  for (;;) {
    const job = await queue.get(jobId);
    if (!job || !['queued', 'running'].includes(job.state)) {
      process.stdout.write(
        JSON.stringify({ state: job?.state, attempts: job?.attempts, lastError: job?.lastError }) + '\n',
      );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
} finally {
  await pool.stop({ graceMs: 1_000 });
  await app.close();
}
