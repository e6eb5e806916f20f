import { KoppelError } from './core/errors.js';
import type { FastifyInstance } from 'fastify';
import { buildApiServer, type ApiServer } from './api/server.js';
import type { EndpointChoice } from './api/route-kit.js';
import { ownUrl } from './core/config.js';
import {
  engineJobHandlers,
  engineQueue,
  engineQueues,
  engineSchedules,
  webhookSubscriptionsJob,
  webhookSubscriptionsJobSpec,
} from './engine/job-handlers.js';
import type { App } from './main.js';
import {
  jobHeartbeatIntervalMs,
  jobLeaseMs,
  ProcessRegistration,
  Scheduler,
  StoreScheduleMarks,
  WorkerPool,
  type JobQueue,
} from './queue/index.js';
import type { RunningJobEntry } from './store/repos/workers.js';

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
  /**
   * `all` (default): workers, scheduler and HTTP server. `web`: the HTTP server alone; the jobs it
   * queues are run by `worker` processes on the same database (see startWorkerService).
   */
  role?: 'all' | 'web';
  /** How often this process refreshes its row in `workers`; default 5 s. */
  registryIntervalMs?: number;
}

/** A `koppel start --role worker` process: workers and the scheduler, no HTTP listener. */
export interface RunningWorker {
  /** Its id in `workers`, which is also the `locked_by` of the jobs it runs. */
  workerId: string;
  queue: JobQueue;
  stop(): Promise<void>;
}

/** Workers, the scheduler and this process's registration, as `all` and `worker` run them. */
function backgroundWork(
  app: App,
  queue: JobQueue,
  options: ServiceOptions,
  role: 'all' | 'worker',
  urls: { baseUrl: () => string; publicUrl: () => string | undefined },
) {
  const pool = new WorkerPool({
    queue,
    clock: app.clock,
    logger: app.logger,
    concurrency: app.config.workers,
    // Continuations of backfills wait in their own queue, which one slot never serves.
    queues: engineQueues,
    reserve: { slots: 1, forQueues: [engineQueue] },
    handlers: engineJobHandlers(
      app.engine,
      {},
      { queue, baseUrl: urls.baseUrl },
      { queue, afterMs: app.config.budgetYieldAfterMs },
    ),
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    // Short: a job of a killed process is taken over when its lease has run out (then the next poll).
    leaseMs: jobLeaseMs,
    // Well inside the lease; short, because a cancelled run stops at its job's next heartbeat.
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? jobHeartbeatIntervalMs,
    backoff: { baseMs: 5_000, capMs: 15 * 60_000 },
  });
  const scheduler = new Scheduler({
    queue,
    marks: new StoreScheduleMarks(app.store, app.clock),
    clock: app.clock,
    logger: app.logger,
    schedules: () =>
      engineSchedules(
        app.engine,
        app.config.purgeCron,
        app.config.keepAliveIdleDays,
        urls.publicUrl(),
        urls.baseUrl(),
      ),
    tickMs: options.tickMs ?? 5_000,
  });
  const registration = new ProcessRegistration({
    store: app.store,
    clock: app.clock,
    logger: app.logger,
    id: pool.workerId,
    role,
    concurrency: app.config.workers,
    running: () => pool.runningJobs.map(({ job, since }) => runningEntry(job, since)),
    ...(options.registryIntervalMs !== undefined ? { refreshIntervalMs: options.registryIntervalMs } : {}),
  });
  return {
    pool,
    async start() {
      pool.start();
      scheduler.start();
      await registration.start();
    },
    async stop() {
      await scheduler.stop();
      await pool.stop({ graceMs: options.graceMs ?? 10_000 });
      await registration.stop();
    },
  };
}

function runningEntry(job: { id: string; name: string; payload: unknown }, since: Date): RunningJobEntry {
  const flowId = (job.payload as { flowId?: unknown } | null)?.flowId;
  return {
    jobId: job.id,
    name: job.name,
    flowId: typeof flowId === 'string' ? flowId : null,
    since: since.toISOString(),
  };
}

async function subscribeWebhooks(app: App, queue: JobQueue, publicUrl: string | undefined): Promise<void> {
  if (publicUrl === undefined)
    app.logger.info('KOPPEL_PUBLIC_URL is not set: no Exact webhooks, flows run on their schedule only');
  else {
    app.logger.info({ publicUrl }, `webhooks: callbacks under ${publicUrl}/webhooks/`);
    // Subscribing now (not at the next daily check) makes webhooks work from the first minute.
    await queue.enqueue({ ...webhookSubscriptionsJobSpec(publicUrl), dedupeKey: webhookSubscriptionsJob });
  }
}

/**
 * A worker process: no listener, so the links its jobs make (alerts) and the webhook callbacks it
 * subscribes start with KOPPEL_PUBLIC_URL, else with the address the web process listens on under
 * the same configuration.
 */
export async function startWorkerService(app: App, options: ServiceOptions = {}): Promise<RunningWorker> {
  const queue = app.queue;
  await queue.start();
  const publicUrl = app.config.publicUrl;
  const baseUrl = publicUrl ?? ownUrl(app.config.host, app.config.port);
  const work = backgroundWork(app, queue, options, 'worker', {
    baseUrl: () => baseUrl,
    publicUrl: () => publicUrl,
  });
  await work.start();
  await subscribeWebhooks(app, queue, publicUrl);
  let stopping: Promise<void> | undefined;
  return {
    workerId: work.pool.workerId,
    queue,
    stop: () => (stopping ??= work.stop()),
  };
}

export async function startService(app: App, options: ServiceOptions = {}): Promise<RunningService> {
  const queue = app.queue;
  await queue.start();
  const role = options.role ?? 'all';
  // Known once the server listens; read by the API, the scheduler and handlers that ask for an
  // alert evaluation, none of which runs before then.
  let baseUrl = '';
  let publicUrl: string | undefined = undefined;
  const work =
    role === 'all'
      ? backgroundWork(app, queue, options, 'all', { baseUrl: () => baseUrl, publicUrl: () => publicUrl })
      : undefined;
  // A web process runs no workers by design: readiness must not call that a failure.
  const pool = work?.pool;
  const ctx = {
    app,
    queue,
    baseUrl: () => baseUrl,
    ...(pool ? { workersRunning: () => pool.polling } : {}),
    ...(options.endpointChoices ? { endpointChoices: options.endpointChoices } : {}),
  };
  const server = await buildApiServer(ctx);
  const port = await listen(server, app.config.host, app.config.port, 'KOPPEL_PORT');
  const url = `http://${app.config.host}:${port}`;
  publicUrl = options.publicUrl === 'own' ? ownUrl(app.config.host, port) : app.config.publicUrl;
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
  // The web process is listed too (with nothing to run), so `koppel workers` shows the whole fleet.
  const webRegistration =
    work === undefined
      ? new ProcessRegistration({
          store: app.store,
          clock: app.clock,
          logger: app.logger,
          role: 'web',
          concurrency: 0,
          running: () => [],
          ...(options.registryIntervalMs !== undefined
            ? { refreshIntervalMs: options.registryIntervalMs }
            : {}),
        })
      : undefined;
  await work?.start();
  await webRegistration?.start();
  await subscribeWebhooks(app, queue, publicUrl);
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
        await work?.stop();
        await webRegistration?.stop();
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
