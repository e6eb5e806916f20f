import { KoppelError } from './core/errors.js';
import type { FastifyInstance } from 'fastify';
import { buildApiServer, type ApiServer } from './api/server.js';
import type { EndpointChoice } from './api/route-kit.js';
import { ownUrl } from './core/config.js';
import {
  engineJobHandlers,
  engineQueue,
  engineSchedules,
  webhookSubscriptionsJob,
  webhookSubscriptionsJobSpec,
} from './engine/job-handlers.js';
import type { App } from './main.js';
import {
  jobHeartbeatIntervalMs,
  jobLeaseMs,
  Scheduler,
  StoreQueue,
  StoreScheduleMarks,
  WorkerPool,
  type JobQueue,
} from './queue/index.js';

/** The long-running part of Koppel: workers, the scheduler and the HTTP server. */
export interface RunningService {
  url: string;
  /** The listener of webhooks and the OAuth callback alone (KOPPEL_WEBHOOK_PORT); undefined: none. */
  webhookUrl: string | undefined;
  /** Where people and providers reach this service: the public URL, else `url`. */
  baseUrl: string;
  /** The main listener's server, for tests that walk its routes. */
  apiServer: ApiServer;
  /** The base URL webhook callbacks are made under; undefined: no webhooks, schedules only. */
  publicUrl: string | undefined;
  queue: JobQueue;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Scheduler tick; tests make it short. */
  tickMs?: number;
  pollIntervalMs?: number;
  /** How often a running job renews its lease and learns whether it was cancelled; default jobHeartbeatIntervalMs. */
  heartbeatIntervalMs?: number;
  graceMs?: number;
  /**
   * Where webhook callbacks point: `configured` (KOPPEL_PUBLIC_URL, default) or `own`, this
   * service's own URL, for sandboxes on the same machine (`koppel demo`).
   */
  publicUrl?: 'configured' | 'own';
  /** Offered by `GET /api/apps` when a connection is made: the demo's sandboxes. */
  endpointChoices?: readonly EndpointChoice[];
}

export async function startService(app: App, options: ServiceOptions = {}): Promise<RunningService> {
  const queue = new StoreQueue(app.store, app.clock);
  // Known once the server listens; read by the API and by handlers that ask for an alert evaluation.
  let baseUrl = '';
  const pool = new WorkerPool({
    queue,
    clock: app.clock,
    logger: app.logger,
    concurrency: app.config.workers,
    queues: [engineQueue],
    handlers: engineJobHandlers(app.engine, {}, { queue, baseUrl: () => baseUrl }),
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    // Short: a job of a killed process is taken over when its lease has run out (then the next poll).
    leaseMs: jobLeaseMs,
    // Well inside the lease; short, because a cancelled run stops at its job's next heartbeat.
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? jobHeartbeatIntervalMs,
    backoff: { baseMs: 5_000, capMs: 15 * 60_000 },
  });
  const ctx = {
    app,
    queue,
    baseUrl: () => baseUrl,
    workersRunning: () => pool.polling,
    ...(options.endpointChoices ? { endpointChoices: options.endpointChoices } : {}),
  };
  const server = await buildApiServer(ctx);
  const port = await listen(server, app.config.host, app.config.port, 'KOPPEL_PORT');
  const url = `http://${app.config.host}:${port}`;
  const publicUrl = options.publicUrl === 'own' ? ownUrl(app.config.host, port) : app.config.publicUrl;
  baseUrl = publicUrl ?? ownUrl(app.config.host, port);
  let webhookServer: FastifyInstance | undefined;
  let webhookUrl: string | undefined;
  if (app.config.webhookPort !== undefined) {
    webhookServer = await buildApiServer(ctx, { listener: 'webhooks' });
    const webhookPort = await listen(
      webhookServer,
      app.config.host,
      app.config.webhookPort,
      'KOPPEL_WEBHOOK_PORT',
    ).catch(async (e: unknown) => {
      await server.close();
      throw e;
    });
    webhookUrl = `http://${app.config.host}:${webhookPort}`;
  }
  const scheduler = new Scheduler({
    queue,
    marks: new StoreScheduleMarks(app.store, app.clock),
    clock: app.clock,
    logger: app.logger,
    schedules: () =>
      engineSchedules(app.engine, app.config.purgeCron, app.config.keepAliveIdleDays, publicUrl, baseUrl),
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
    apiServer: server,
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

async function listen(server: FastifyInstance, host: string, port: number, setting: string): Promise<number> {
  try {
    await server.listen({ host, port });
  } catch (e) {
    // The bare EADDRINUSE names neither the port's setting nor the way out.
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    throw new KoppelError(
      `Port ${port} on ${host} is in use (another Koppel or another program); set ${setting} to choose another port (0 picks a free one)`,
      { code: 'service.port_in_use', kind: 'conflict', details: { host, port, setting } },
    );
  }
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : port;
}
