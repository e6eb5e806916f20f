import { isRetryableKind, KoppelError } from '../core/errors.js';
import type { ClaimedJob, JobHandler, JobQueue, Schedule } from '../queue/index.js';
import { keepConnectionsAlive } from './keep-alive.js';
import { ensureWebhookSubscriptions } from './webhook-subscriptions.js';
import { purgeActivity } from './purge.js';
import { replayDeadLetters, type ReplayMode, type ReplayOutcome } from './replay.js';
import { runRecords } from './run-records.js';
import { forgetWebhookKeys, waitingWebhookKeys } from '../store/repos/webhook-keys.js';
import { runFlow, runTriggers, type RunRequest, type RunResult, type RunTrigger } from './run-flow.js';
import type { EngineDeps } from './deps.js';
import { flowConnectionsActive } from './flow-connections-active.js';
import { autoRetryDeadLetters } from './auto-retry.js';
import { nextRunIsBackfill } from './backfill-state.js';
import { flowRunJobSpec } from './enqueue-run.js';
import { evaluateAlerts } from './notifications/evaluate-alerts.js';
import { parseReconcileDailyPayload, reconcileDaily, reconcileDailyJob } from './reconcile-daily.js';
import { readInstallationSettings } from './installation-settings.js';
import { deliverDueNotifications } from './notifications/deliver.js';
import { hasPendingDeliveries } from '../store/repos/notification-deliveries.js';

// The names live apart so that what only queues or looks for a job need not import every handler.
export * from './job-names.js';
import {
  alertsEvaluateCron,
  alertsEvaluateJob,
  alertsEvaluateJobSpec,
  autoRetryCron,
  autoRetryJob,
  backfillQueue,
  engineQueue,
  flowLockKey,
  flowRunJob,
  keepAliveCron,
  keepAliveJob,
  notificationsDeliverCron,
  notificationsDeliverJob,
  purgeJob,
  recordsRunJob,
  replayJob,
  webhookSubscriptionsCron,
  webhookSubscriptionsJob,
  webhookSubscriptionsJobSpec,
} from './job-names.js';

export interface FlowRunPayload {
  flowId: string;
  trigger: RunTrigger;
}

export function parseFlowRunPayload(payload: unknown): FlowRunPayload {
  const p = payload as Partial<FlowRunPayload> | null;
  if (!p || typeof p.flowId !== 'string' || !runTriggers.includes(p.trigger as RunTrigger)) {
    throw new KoppelError('A flow.run job needs { flowId, trigger }', {
      code: 'engine.bad_job',
      kind: 'invalid',
    });
  }
  return { flowId: p.flowId, trigger: p.trigger as RunTrigger };
}

/**
 * The engine's job handlers. A run that ended on a retryable error (a long rate limit, a target
 * that keeps failing, an unreadable source) is thrown back to the queue, which tries the job
 * again after the error's retry-after or its backoff; every other outcome is recorded on the run.
 */
export interface ReplayPayload {
  flowId: string;
  mode: ReplayMode;
  ids?: string[] | undefined;
  errorCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface EngineJobHooks {
  onProgress?: RunRequest['onProgress'];
  onRun?: (result: RunResult) => void;
  onReplayProgress?: (done: number, total: number) => void;
  onReplay?: (outcome: ReplayOutcome) => void;
}

/**
 * What lets a backfill give its worker up instead of sleeping for API budget: a wait longer than
 * `afterMs` ends the run `yielded`, and its continuation is queued on `queue` for when the budget
 * has room (a new job, so the yield spends none of the job's attempts). Without it runs wait.
 */
export interface BudgetYieldOptions {
  queue: JobQueue;
  afterMs: number;
}

/** What lets a handler ask for an alert evaluation at once, instead of at the next minute. */
export interface AlertTrigger {
  queue: JobQueue;
  /** Known once the service listens, so read when needed. */
  baseUrl: () => string;
}

export function engineJobHandlers(
  deps: EngineDeps,
  hooks: EngineJobHooks = {},
  alerts?: AlertTrigger,
  budgetYield?: BudgetYieldOptions,
): Record<string, JobHandler> {
  // A run that parked records or failed, a replay, a paused connection: people hear of it within
  // seconds. Asking must never fail the job that asks; the minute's schedule catches up.
  const evaluateSoon = async (why: string) => {
    if (!alerts) return;
    try {
      await alerts.queue.enqueue(alertsEvaluateJobSpec(alerts.baseUrl()));
    } catch (e) {
      deps.logger.warn(
        { err: e, why },
        'could not ask for an alert evaluation; the next scheduled one follows',
      );
    }
  };
  return {
    [flowRunJob]: async (job, { signal }) => {
      const { flowId, trigger } = parseFlowRunPayload(job.payload);
      // A backfill queued like any run (a schedule's first fire, a webhook's run while one goes on)
      // moves to the backfill queue before it starts, so it never holds the slot kept for live work.
      if (budgetYield && job.queue !== backfillQueue && (await nextRunIsBackfill(deps.store.db, flowId))) {
        await continueBackfill(deps, budgetYield.queue, job, { flowId, trigger }, deps.clock.now());
        return;
      }
      const result = await runFlow(deps, {
        flowId,
        trigger,
        jobId: job.id,
        signal,
        onProgress: hooks.onProgress,
        yieldAfterMs: budgetYield?.afterMs,
        ...(budgetYield ? { lockWanted: () => recordsRunWaits(deps, budgetYield.queue, flowId) } : {}),
      });
      hooks.onRun?.(result);
      if (result.state === 'yielded' && result.continueAt && budgetYield) {
        await continueBackfill(deps, budgetYield.queue, job, { flowId, trigger }, result.continueAt);
        return;
      }
      if (result.state === 'failed' || result.counts.deadLettered > 0) await evaluateSoon('run');
      if (result.error && isRetryableKind(result.error.kind)) throw result.error;
    },
    [recordsRunJob]: async (job, { signal }) => {
      const flowId = flowIdOf(job, recordsRunJob);
      // Keys named while this run goes on are taken by the next turn of the loop, or, when they
      // arrive after its last read, by the job their webhook queued.
      for (;;) {
        const keys = await waitingWebhookKeys(deps.store.db, flowId, recordsRunBatch);
        if (keys.length === 0 || signal.aborted) return;
        const result = await runRecords(deps, {
          flowId,
          trigger: 'webhook',
          ids: keys.map((k) => k.sourceId),
          jobId: job.id,
          signal,
        });
        hooks.onRun?.(result);
        // Sent or parked, each key is done; a run that failed keeps them for the job's retry.
        if (result.state === 'succeeded' || result.state === 'partial')
          await forgetWebhookKeys(deps.store.db, flowId, keys);
        if (result.state === 'failed' || result.counts.deadLettered > 0) await evaluateSoon('run');
        if (result.error && isRetryableKind(result.error.kind)) throw result.error;
        if (result.state !== 'succeeded' && result.state !== 'partial') return;
      }
    },
    [replayJob]: async (job, { signal }) => {
      const p = job.payload as unknown as ReplayPayload;
      const outcome = await replayDeadLetters(deps, {
        filter: { flowId: p.flowId, ids: p.ids, errorCode: p.errorCode, from: p.from, to: p.to },
        mode: p.mode,
        signal,
        jobId: job.id,
        ...(hooks.onReplayProgress ? { onProgress: hooks.onReplayProgress } : {}),
      });
      hooks.onReplay?.(outcome);
      if (outcome.matched > 0) await evaluateSoon('replay');
    },
    [autoRetryJob]: async (job, { signal }) => {
      const flowId = flowIdOf(job, autoRetryJob);
      const result = await autoRetryDeadLetters(deps, flowId, { signal, jobId: job.id });
      if (result.retried > 0 || result.exhausted > 0)
        deps.logger.info({ flowId, ...result }, 'automatic retries of dead letters done');
    },
    [reconcileDailyJob]: async (job, { signal }) => {
      const { flowId } = parseReconcileDailyPayload(job.payload);
      try {
        const report = await reconcileDaily(deps, flowId, signal);
        deps.logger.info(
          {
            flowId,
            reportId: report.reportId,
            period: report.period,
            differences: report.differences.length,
          },
          'daily reconciliation done',
        );
        // A difference found, or one that cleared, is told at once rather than at the next minute.
        await evaluateSoon('reconciliation');
      } catch (e) {
        // The report holds the error. What may pass (a rate limit, an outage) is tried again, and so
        // is what Koppel did not expect; a refusal that needs a person waits for tomorrow's run.
        if (!(e instanceof KoppelError) || isRetryableKind(e.kind)) throw e;
        deps.logger.warn({ flowId, err: e }, 'daily reconciliation failed');
      }
    },
    [notificationsDeliverJob]: async () => {
      const result = await deliverDueNotifications(deps);
      if (result.sent > 0 || result.failed > 0 || result.retrying > 0)
        deps.logger.info({ ...result }, 'notifications delivered');
    },
    [purgeJob]: async () => {
      const result = await purgeActivity(deps);
      deps.logger.info({ ...result }, 'retention purge done');
    },
    [keepAliveJob]: async (job, { signal }) => {
      const idleDays = Number((job.payload as { idleDays?: unknown } | null)?.idleDays ?? 20);
      const result = await keepConnectionsAlive(deps, idleDays, signal);
      deps.logger.info({ ...result }, 'connection keep-alive done');
      if (result.paused.length > 0) await evaluateSoon('connection paused');
    },
    [webhookSubscriptionsJob]: async (job, { signal }) => {
      const publicUrl = (job.payload as { publicUrl?: unknown } | null)?.publicUrl;
      if (typeof publicUrl !== 'string')
        throw new KoppelError('A webhooks.subscribe job needs { publicUrl }', {
          code: 'engine.bad_job',
          kind: 'invalid',
        });
      const result = await ensureWebhookSubscriptions(deps, publicUrl, signal);
      deps.logger.info(
        { ensured: result.ensured.length, failed: result.failed },
        'webhook subscriptions checked',
      );
      if (result.failed.length > 0) await evaluateSoon('webhook subscription refused');
    },
    [alertsEvaluateJob]: async (job) => {
      const baseUrl = (job.payload as { baseUrl?: unknown } | null)?.baseUrl;
      if (typeof baseUrl !== 'string')
        throw new KoppelError('An alerts.evaluate job needs { baseUrl }', {
          code: 'engine.bad_job',
          kind: 'invalid',
        });
      const result = await evaluateAlerts(deps, { now: deps.clock.now(), baseUrl });
      if (result.opened + result.resolved + result.queued > 0 || result.failedDetectors.length > 0)
        deps.logger.info({ ...result }, 'alerts evaluated');
      // What this pass queued goes out now, not at the next minute's delivery job.
      if (result.queued > 0) {
        const sent = await deliverDueNotifications(deps);
        if (sent.sent + sent.failed + sent.retrying > 0)
          deps.logger.info({ ...sent }, 'notifications delivered');
      }
    },
  };
}

/** Records of one webhook run at most: one bulk read of headers and one of lines. */
const recordsRunBatch = 100;

/** Whether a run of webhook-named records of the flow waits for the flow's lock. */
async function recordsRunWaits(deps: EngineDeps, queue: JobQueue, flowId: string): Promise<boolean> {
  const lock = flowLockKey(flowId);
  const waiting = await queue.waitingSince([recordsRunJob], new Date(deps.clock.now().getTime() + 1));
  return waiting.some((job) => job.lockKey === lock);
}

/** The `flowId` a job of `name` carries in its payload; a job without one is refused. */
function flowIdOf(job: ClaimedJob, name: string): string {
  const flowId = (job.payload as { flowId?: unknown } | null)?.flowId;
  if (typeof flowId !== 'string')
    throw new KoppelError(`A ${name} job needs { flowId }`, { code: 'engine.bad_job', kind: 'invalid' });
  return flowId;
}

/**
 * Queue the run that continues a backfill (one that yielded, or one about to start outside the
 * backfill queue), then let this job complete: a new job, so no attempt is spent. Its queue is the
 * backfill queue, which a worker pool keeps from its last free slot (see WorkerPool `reserve`).
 * With the flow's run key: a request that waits already (a webhook's, a schedule's) takes the
 * continuation in, and its run goes on with the backfill from the cursor (that one comes due at
 * once rather than at `at`, and moves over to the backfill queue when it starts). Should the
 * queue refuse, an error is thrown instead and the job retried after `at`, at the cost of an
 * attempt.
 */
async function continueBackfill(
  deps: EngineDeps,
  queue: JobQueue,
  job: ClaimedJob,
  payload: FlowRunPayload,
  at: Date,
): Promise<void> {
  try {
    const next = await queue.enqueue({
      ...flowRunJobSpec(payload.flowId, payload.trigger, job.priority),
      queue: backfillQueue,
      runAt: at,
      maxAttempts: job.maxAttempts,
    });
    deps.logger.info(
      { flowId: payload.flowId, continuation: next.id, deduped: next.deduped, at: at.toISOString() },
      'backfill continues in the backfill queue',
    );
  } catch (e) {
    deps.logger.warn({ err: e, flowId: payload.flowId }, 'could not queue the continuation of a backfill');
    throw new KoppelError('The backfill yielded and its continuation could not be queued', {
      code: 'engine.continuation_failed',
      kind: 'rate_limited',
      retryAfterMs: Math.max(0, at.getTime() - deps.clock.now().getTime()),
      cause: e,
    });
  }
}

/**
 * What the scheduler starts: every enabled flow with a cron schedule whose connections are not
 * paused (a paused connection waits for a new authorization, not for its next fire time), the
 * automatic retries of every such flow's transient dead letters (scheduled or not), the daily
 * reconciliation of every such flow whose kind can reconcile (installation setting `reconcile`), the
 * retention purge, (when an app declares one) the daily credential keep-alive, (with a public
 * URL) the daily check of webhook subscriptions, (with a base URL) the alert evaluation every
 * minute, and (while a notification waits) its delivery.
 */
export async function engineSchedules(
  deps: EngineDeps,
  purgeCron: string,
  keepAliveIdleDays = 20,
  publicUrl?: string,
  /** Where people reach the web app (the public URL, else the service's own): alert messages link there. */
  baseUrl?: string,
): Promise<Schedule[]> {
  const flows = await deps.store.db
    .selectFrom('flows')
    .leftJoin('cursors', (j) => j.onRef('cursors.flow_id', '=', 'flows.id').on('cursors.stream', '=', 'main'))
    .select(['flows.id', 'flows.kind', 'flows.schedule', 'flows.priority', 'cursors.value as cursor'])
    .where('flows.enabled', '=', 1)
    .where(flowConnectionsActive)
    .execute();
  const { reconcile } = await readInstallationSettings(deps.store.db, deps.defaults);
  const notificationsWaiting = await hasPendingDeliveries(deps.store.db);
  return [
    ...flows
      .filter((f) => f.schedule !== null)
      .map((f) => ({
        key: `flow:${f.id}`,
        cron: f.schedule as string,
        // A first run reads everything: a backfill, kept from the worker slot held for live work.
        // (A fire during a yielded backfill folds into its waiting continuation, or else moves
        // over when it starts.)
        queue: f.cursor === null ? backfillQueue : engineQueue,
        // The flow's run key: fires while a run waits fold into it, at most one waits behind a long run.
        ...flowRunJobSpec(f.id, 'schedule', Number(f.priority)),
      })),
    ...flows.map((f) => ({
      key: `dead-letters:${f.id}`,
      cron: autoRetryCron,
      name: autoRetryJob,
      queue: engineQueue,
      payload: { flowId: f.id },
      lockKey: flowLockKey(f.id),
      priority: Number(f.priority),
    })),
    // Under the flow's lock, so the books are never compared while a run of the flow writes them.
    ...(reconcile.enabled ? flows : [])
      .filter((f) => deps.registry.kinds.get(f.kind)?.reconcile)
      .map((f) => ({
        key: `reconcile:${f.id}`,
        cron: reconcile.schedule,
        name: reconcileDailyJob,
        queue: engineQueue,
        payload: { flowId: f.id },
        lockKey: flowLockKey(f.id),
        priority: Number(f.priority),
      })),
    {
      key: 'activity:purge',
      cron: purgeCron,
      name: purgeJob,
      queue: engineQueue,
      payload: {},
      lockKey: 'activity:purge',
    },
    ...([...deps.registry.apps.values()].some((a) => a.keepAlive)
      ? [
          {
            key: 'connections:keepalive',
            cron: keepAliveCron,
            name: keepAliveJob,
            queue: engineQueue,
            payload: { idleDays: keepAliveIdleDays },
            lockKey: 'connections:keepalive',
          },
        ]
      : []),
    ...(publicUrl === undefined
      ? []
      : [
          {
            key: 'webhooks:subscriptions',
            cron: webhookSubscriptionsCron,
            ...webhookSubscriptionsJobSpec(publicUrl),
          },
        ]),
    ...(baseUrl === undefined
      ? []
      : [
          {
            key: 'alerts:evaluate',
            cron: alertsEvaluateCron,
            name: alertsEvaluateJob,
            queue: engineQueue,
            payload: { baseUrl },
            lockKey: alertsEvaluateJob,
          },
        ]),
    ...(notificationsWaiting
      ? [
          {
            key: 'notifications:deliver',
            cron: notificationsDeliverCron,
            name: notificationsDeliverJob,
            queue: engineQueue,
            payload: {},
            lockKey: 'notifications:deliver',
          },
        ]
      : []),
  ];
}
