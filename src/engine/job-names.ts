/** Names, queues, schedules and lock keys of the engine's jobs. */

export const flowRunJob = 'flow.run';
/**
 * A run of the records webhooks named while the flow's cursor is in a backfill (webhook_keys).
 * Ahead of every run and replay: it is a customer's order waiting, and it is short.
 */
export const recordsRunJob = 'flow.records';
export const recordsRunPriority = 10;
export const purgeJob = 'activity.purge';
export const replayJob = 'flow.replay';
export const autoRetryJob = 'dead-letters.auto-retry';
/**
 * Every five minutes (the default first delay): a pass that finds nothing due is one query. The
 * job holds the flow's lock, so a retry never runs beside a run of the same flow.
 */
export const autoRetryCron = '*/5 * * * *';
export const engineQueue = 'engine';
/**
 * Where continuations of yielded backfills wait. A worker pool serves it with all but its reserved
 * slot, so live and normal work (the engine queue) always finds a worker within a poll.
 */
export const backfillQueue = 'engine.backfill';
/** Every queue of the engine's jobs: what a worker pool serves. */
export const engineQueues = [engineQueue, backfillQueue];
export const keepAliveJob = 'connections.keepalive';
/** Daily, off the hour; renewing one connection is one token call. */
export const keepAliveCron = '41 4 * * *';
export const webhookSubscriptionsJob = 'webhooks.subscribe';
/** Daily, off the hour: one listing call per connection and topic when nothing changed. */
export const webhookSubscriptionsCron = '53 4 * * *';
export const notificationsDeliverJob = 'notifications.deliver';
/**
 * Every minute, the shortest retry delay; scheduled only while a message waits, so an
 * installation without notifications adds no job a minute to its queue.
 */
export const notificationsDeliverCron = '* * * * *';

/** The delivery job queued now (a test message someone waits for); one waiting job takes a burst. */
export function notificationsDeliverJobSpec() {
  return {
    name: notificationsDeliverJob,
    queue: engineQueue,
    payload: {},
    lockKey: 'notifications:deliver',
    dedupeKey: notificationsDeliverJob,
  };
}

/** The job that ensures webhook subscriptions with callbacks under `publicUrl`: daily, and once at start. */
export function webhookSubscriptionsJobSpec(publicUrl: string) {
  return {
    name: webhookSubscriptionsJob,
    queue: engineQueue,
    payload: { publicUrl },
    lockKey: webhookSubscriptionsJob,
  };
}

export const alertsEvaluateJob = 'alerts.evaluate';
/** Every minute: a pass that finds nothing new is a handful of queries. */
export const alertsEvaluateCron = '* * * * *';

/**
 * The job that evaluates alerts and links its messages under `baseUrl`. Its dedupe key makes a
 * burst of requests (many runs ending with dead letters at once) one evaluation; its lock key
 * keeps two from running beside each other in a fleet, though each would be safe.
 */
export function alertsEvaluateJobSpec(baseUrl: string) {
  return {
    name: alertsEvaluateJob,
    queue: engineQueue,
    payload: { baseUrl },
    lockKey: alertsEvaluateJob,
    dedupeKey: alertsEvaluateJob,
  };
}

/** Runs of one flow never overlap: every job that runs a flow holds this lock key. */
export function flowLockKey(flowId: string): string {
  return `flow:${flowId}`;
}
