import type { FastifyInstance } from 'fastify';
import { buildApiServer } from './api/server.js';
import {
  engineJobHandlers,
  engineQueue,
  engineSchedules,
  webhookSubscriptionsJob,
  webhookSubscriptionsJobSpec,
} from './engine/job-handlers.js';
import type { App } from './main.js';
import { Scheduler, StoreQueue, StoreScheduleMarks, WorkerPool, type JobQueue } from './queue/index.js';

/** The long-running part of Koppel: workers, the scheduler and the HTTP server. */
export interface RunningService {
  url: string;
  /** The listener of webhooks and the OAuth callback alone (KOPPEL_WEBHOOK_PORT); undefined: none. */
  webhookUrl: string | undefined;
  /** Where people and providers reach this service: the public URL, else `url`. */
  baseUrl: string;
  /** The base URL webhook callbacks are made under; undefined: no webhooks, schedules only. */
  publicUrl: string | undefined;
  queue: JobQueue;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Scheduler tick; tests make it short. */
  tickMs?: number;
  pollIntervalMs?: number;
  graceMs?: number;
  /**
   * Where webhook callbacks point: `configured` (KOPPEL_PUBLIC_URL, default) or `own`, this
   * service's own URL, for sandboxes on the same machine (`koppel demo`).
   */
  publicUrl?: 'configured' | 'own';
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
  let baseUrl = '';
  const ctx = { app, queue, baseUrl: () => baseUrl };
  const server: FastifyInstance = await buildApiServer(ctx);
  const port = await listen(server, app.config.host, app.config.port);
  const url = `http://${app.config.host}:${port}`;
  const publicUrl = options.publicUrl === 'own' ? ownUrl(app.config.host, port) : app.config.publicUrl;
  baseUrl = publicUrl ?? ownUrl(app.config.host, port);
  let webhookServer: FastifyInstance | undefined;
  let webhookUrl: string | undefined;
  if (app.config.webhookPort !== undefined) {
    webhookServer = await buildApiServer(ctx, { listener: 'webhooks' });
    const webhookPort = await listen(webhookServer, app.config.host, app.config.webhookPort).catch(
      async (e: unknown) => {
        await server.close();
        throw e;
      },
    );
    webhookUrl = `http://${app.config.host}:${webhookPort}`;
  }
  const scheduler = new Scheduler({
    queue,
    marks: new StoreScheduleMarks(app.store, app.clock),
    clock: app.clock,
    logger: app.logger,
    schedules: () =>
      engineSchedules(app.engine, app.config.purgeCron, app.config.keepAliveIdleDays, publicUrl),
    tickMs: options.tickMs ?? 5_000,
  });
  pool.start();
  scheduler.start();
  if (publicUrl === undefined)
    app.logger.info('KOPPEL_PUBLIC_URL is not set: no Exact webhooks, flows run on their schedule only');
  else {
    app.logger.info({ publicUrl }, `webhooks: callbacks under ${publicUrl}/webhooks/`);
    // Subscribing now (not at the next daily check) makes webhooks work from the first minute.
    await queue.enqueue({ ...webhookSubscriptionsJobSpec(publicUrl), dedupeKey: webhookSubscriptionsJob });
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    webhookUrl,
    baseUrl,
    publicUrl,
    queue,
    stop: () =>
      (stopping ??= (async () => {
        await scheduler.stop();
        await pool.stop({ graceMs: options.graceMs ?? 10_000 });
        await server.close();
        await webhookServer?.close();
      })()),
  };
}

/** This service's URL as a process on the same machine reaches it (a wildcard host is not an address). */
export function ownUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function listen(server: FastifyInstance, host: string, port: number): Promise<number> {
  await server.listen({ host, port });
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
