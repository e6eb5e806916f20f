/**
 * The job queue port: what the engine, the scheduler, the CLI and the dashboard may ask of a queue.
 *
 * Glossary
 * - job: one unit of background work, stored as a row until retention removes it.
 * - queue: a named lane of jobs; a worker pool serves a list of queues.
 * - name: which handler runs the job (`flow.run`, `retention.purge`, ...).
 * - state: `queued` (waiting, possibly for a later run_at) → `running` (claimed under a lease) →
 *   `completed` or `failed`; a failed attempt with attempts left goes back to `queued`. A job
 *   someone cancelled ends `cancelled`: at once while it waits, else when its worker has stopped it
 *   (its heartbeat tells the worker), and it is never tried again.
 * - dedupe key: while a job with this key is queued or running, enqueueing the same key again
 *   returns the existing job instead of adding one; with `dedupeWhile: 'queued'` only a queued one
 *   takes the request in, so at most one job waits behind a running one.
 * - lock key: jobs sharing a lock key never run at the same time (one flow of one pair, say).
 * - lease: a claimed job belongs to its worker until `locked_until`; heartbeats extend it, and a
 *   job whose lease ran out (its worker died) is reaped back to `queued`.
 * - attempt: every claim counts one; a job has at most `maxAttempts` of them.
 *
 * Every time a queue records (run_at, locked_until, finished_at, ...) comes from the injected Clock,
 * never from the database's own now(), so tests and several processes agree on what "due" means.
 */
import type { Json } from '../core/json.js';

export const jobStates = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];

/** Lower runs first. */
export const defaultPriority = 100;
export const defaultMaxAttempts = 5;

export interface EnqueueSpec {
  queue: string;
  name: string;
  payload?: Json;
  dedupeKey?: string;
  /**
   * Which job with the same dedupe key takes this request in: `queued-or-running` (default), or
   * `queued` alone: a request while the job runs queues a new one (its work may come after what the
   * running job already read), and further requests fold into that one.
   */
  dedupeWhile?: 'queued-or-running' | 'queued';
  lockKey?: string;
  /** Lower runs first; default 100. */
  priority?: number;
  /** Not claimed before this time; default now. */
  runAt?: Date;
  /** Default 5. */
  maxAttempts?: number;
}

export interface EnqueueResult {
  id: string;
  /**
   * True when a job with the same dedupe key already existed (queued or running, or queued alone:
   * see `dedupeWhile`); `id` is that job.
   */
  deduped: boolean;
}

export interface Job {
  id: string;
  queue: string;
  name: string;
  payload: Json;
  dedupeKey: string | null;
  lockKey: string | null;
  state: JobState;
  priority: number;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  /** When someone asked to cancel the job; a running job stops at its next heartbeat. */
  cancelRequestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** A job as its worker holds it: running, under a lease, `attempts` already counting this one. */
export type ClaimedJob = Job & { state: 'running'; lockedBy: string; lockedUntil: Date };

export interface ClaimOptions {
  queues: string[];
  /** How long the job stays ours without a heartbeat. */
  leaseMs: number;
  /** Most jobs to claim in this call; default 1. */
  limit?: number;
}

export interface FailOptions {
  /** Kept on the row as `last_error`. */
  message: string;
  /** When to try again; null fails the job for good. Ignored when no attempts are left. */
  retryAt: Date | null;
}

/**
 * What a heartbeat learns: the lease is extended (`ours`), the job is no longer this worker's
 * (`lost`: reaped or taken over), or it is still ours, extended, but someone asked to cancel it
 * (`cancel_requested`): the worker stops the handler and records the job cancelled. The lease is
 * kept while the handler stops, so no other worker starts the job's lock key beside it.
 */
export type HeartbeatAnswer = 'ours' | 'lost' | 'cancel_requested';

/**
 * What a cancel did: a waiting job is `cancelled` at once; a running one has its cancel
 * `requested` (its worker stops it at the next heartbeat); a job that had already ended is
 * `finished` and stays as it was.
 */
export type CancelOutcome = 'cancelled' | 'requested' | 'finished';

export interface ListFilter {
  state?: JobState;
  queue?: string;
  /** Default 100. */
  limit?: number;
}

/** What is in the queue now, for the metrics: live jobs per queue and state, and the oldest due wait. */
export interface QueueLoad {
  live: Array<{ queue: string; state: 'queued' | 'running'; count: number }>;
  /** Per queue, the run_at of its oldest queued job that is due (run_at <= now). */
  oldestDue: Array<{ queue: string; since: Date }>;
}

export interface JobQueue {
  /**
   * Add a job. With a dedupe key, if a queued or running job with that key exists, nothing is
   * added and that job's id comes back with `deduped: true`; with `dedupeWhile: 'queued'` a running
   * one gives its key up and a new job is queued. Safe against concurrent enqueuers.
   */
  enqueue(spec: EnqueueSpec): Promise<EnqueueResult>;

  /**
   * Take due jobs (run_at <= now) from the given queues, by priority then run_at, for `workerId`:
   * each becomes running with one more attempt and a lease of `leaseMs`. A job whose lock key is
   * held by a running job is never claimed, nor two jobs with the same lock key in one call. Safe
   * when several workers and processes claim from the same database at once.
   */
  claim(workerId: string, options: ClaimOptions): Promise<ClaimedJob[]>;

  /** Mark a job completed. False when the job is no longer running for this worker. */
  complete(id: string, workerId: string): Promise<boolean>;

  /**
   * Record a failed attempt. With a retry time and attempts left the job is queued again for that
   * time; otherwise it is failed for good and its row kept with the message. A job someone asked to
   * cancel goes to cancelled instead, whatever the retry time. Returns the state the job went to,
   * or null when the job is no longer running for this worker.
   */
  fail(id: string, workerId: string, options: FailOptions): Promise<'queued' | 'failed' | 'cancelled' | null>;

  /**
   * Extend this worker's lease to now + leaseMs, and say whether someone asked to cancel the job.
   * `lost` when the job is no longer ours.
   */
  heartbeat(id: string, workerId: string, leaseMs: number): Promise<HeartbeatAnswer>;

  /**
   * Cancel a job: a queued one ends `cancelled` now; a running one is marked, and its worker stops
   * it at its next heartbeat and records it cancelled, never to be retried. A running job's dedupe
   * key is released at once, so a new request for the same work queues a new job (which waits for
   * this one's lock key) instead of joining the one being stopped. Null when there is no such job.
   */
  cancel(id: string): Promise<CancelOutcome | null>;

  /**
   * Running jobs whose lease has passed go back to queued, or to cancelled when someone asked to
   * cancel them. A start whose worker was lost (a killed process, a deploy) is given back: the
   * job's attempt limit rises by one, so losses spend none of the attempts kept for errors, until
   * the job has started `lostStartLimit` times; then it fails, as a job that takes its worker down
   * every time must. Returns how many jobs were reaped.
   */
  reapExpired(): Promise<number>;

  get(id: string): Promise<Job | null>;

  /** Newest first. */
  list(filter?: ListFilter): Promise<Job[]>;

  /** Jobs queued and running per queue, and the oldest due job's run_at per queue. */
  load(now: Date): Promise<QueueLoad>;

  /**
   * Queued jobs with one of these names due before `before` (waiting for a retry included), oldest
   * first: the backlog.
   */
  waitingSince(names: string[], before: Date): Promise<Array<{ lockKey: string | null; runAt: Date }>>;

  /** Delete jobs that ended (completed, failed, cancelled) and last changed before `before`. */
  purgeFinished(before: Date): Promise<number>;
}

/**
 * Durable memory of the scheduler: per schedule key, the latest fire time already handed out.
 * Moving it forward is a compare-and-set, so of several schedulers exactly one wins each fire time.
 */
export interface ScheduleMarks {
  /** The latest fire time recorded for this schedule, or null when the schedule was never seen. */
  last(scheduleKey: string): Promise<Date | null>;

  /**
   * Record `fireTime` if it is later than the recorded one (or none is recorded). True only for the
   * caller that moved the mark: that caller alone may enqueue this fire.
   */
  advance(scheduleKey: string, fireTime: Date): Promise<boolean>;
}

/** Starts after which a job that keeps losing its worker fails (see JobQueue.reapExpired). */
export const lostStartLimit = 20;
