import type { FastifyInstance } from 'fastify';
import { buildApiServer } from './api/server.js';
import { engineJobHandlers, engineQueue, engineSchedules } from './engine/job-handlers.js';
import type { App } from './main.js';
import { Scheduler, StoreQueue, StoreScheduleMarks, WorkerPool, type JobQueue } from './queue/index.js';

/** The long-running part of Koppel: workers, the scheduler and the HTTP server. */
export interface RunningService {
  url: string;
  queue: JobQueue;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Scheduler tick; tests make it short. */
  tickMs?: number;
  pollIntervalMs?: number;
  graceMs?: number;
}

export async function startService(app: App, options: ServiceOptions = {}): Promise<RunningService> {
  const queue = new StoreQueue(app.store, app.clock);
  const pool = new WorkerPool({
    queue,
    clock: app.clock,
    logger: app.logger,
    concurrency: app.config.workers,
    queues: [engineQueue],
    handlers: engineJobHandlers(app.engine),
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    leaseMs: 60_000,
    backoff: { baseMs: 5_000, capMs: 15 * 60_000 },
  });
  const scheduler = new Scheduler({
    queue,
    marks: new StoreScheduleMarks(app.store, app.clock),
    clock: app.clock,
    logger: app.logger,
    schedules: () => engineSchedules(app.engine, app.config.purgeCron, app.config.keepAliveIdleDays),
    tickMs: options.tickMs ?? 5_000,
  });
  const server: FastifyInstance = buildApiServer({ app, queue });
  await server.listen({ host: app.config.host, port: app.config.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : app.config.port;
  const url = `http://${app.config.host}:${port}`;
  pool.start();
  scheduler.start();
  let stopping: Promise<void> | undefined;
  return {
    url,
    queue,
    stop: () =>
      (stopping ??= (async () => {
        await scheduler.stop();
        await pool.stop({ graceMs: options.graceMs ?? 10_000 });
        await server.close();
      })()),
  };
}
