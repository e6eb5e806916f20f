export type {
  CancelOutcome,
  ClaimedJob,
  ClaimOptions,
  EnqueueResult,
  EnqueueSpec,
  FailOptions,
  HeartbeatAnswer,
  Job,
  JobQueue,
  JobState,
  ListFilter,
  QueueLoad,
  ScheduleMarks,
} from './port.js';
export { defaultMaxAttempts, defaultPriority, jobStates } from './port.js';
export { StoreQueue } from './store-queue.js';
export { PgBossQueue, type PgBossQueueOptions } from './pg-boss-queue.js';
export { openJobQueue, type JobQueueSettings, type ManagedJobQueue } from './open-job-queue.js';
export { StoreScheduleMarks } from './store-schedule-marks.js';
export { WorkerPool, jobHeartbeatIntervalMs, jobLeaseMs, type WorkerPoolOptions } from './worker-pool.js';
export { cancelledErrorCode, type JobContext, type JobHandler } from './job-runner.js';
export { decideRetry, type BackoffPolicy, type RetryDecision } from './job-retry.js';
export { Scheduler, type Schedule, type SchedulerOptions } from './scheduler.js';
export { latestFireTime, nextFireTime, validateCron } from './cron.js';
export {
  ProcessRegistration,
  workerForgottenAfterMs,
  workerGoneAfterMs,
  type ProcessRegistrationOptions,
} from './process-registry.js';
