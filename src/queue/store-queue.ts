import type { Clock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import type {
  CancelOutcome,
  ClaimedJob,
  ClaimOptions,
  EnqueueResult,
  EnqueueSpec,
  FailOptions,
  HeartbeatAnswer,
  Job,
  JobQueue,
  ListFilter,
  QueueLoad,
} from './port.js';
import { cancelJob } from './sql/cancel-job.js';
import { claimJobs } from './sql/claim-jobs.js';
import { completeJob } from './sql/complete-job.js';
import { enqueueJob } from './sql/enqueue-job.js';
import { failJob } from './sql/fail-job.js';
import { getJob } from './sql/get-job.js';
import { heartbeatJob } from './sql/heartbeat-job.js';
import { listJobs } from './sql/list-jobs.js';
import { purgeFinishedJobs } from './sql/purge-finished-jobs.js';
import { queueLoad } from './sql/queue-load.js';
import { reapExpiredJobs } from './sql/reap-expired-jobs.js';
import { waitingSince } from './sql/waiting-since.js';

/**
 * The embedded adapter: the job queue in the `jobs` table of Koppel's own database, the same code
 * on SQLite and Postgres (the differences are `store.caps`). One SQL operation per file in `sql/`.
 */
export class StoreQueue implements JobQueue {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Nothing to prepare: the `jobs` table comes with the store's migrations. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  /** The store is the app's, closed by its owner. */
  stop(): Promise<void> {
    return Promise.resolve();
  }

  enqueue(spec: EnqueueSpec): Promise<EnqueueResult> {
    return enqueueJob(this.store, this.clock, spec);
  }

  claim(workerId: string, options: ClaimOptions): Promise<ClaimedJob[]> {
    return claimJobs(this.store, this.clock, workerId, options);
  }

  complete(id: string, workerId: string): Promise<boolean> {
    return completeJob(this.store, this.clock, id, workerId);
  }

  fail(
    id: string,
    workerId: string,
    options: FailOptions,
  ): Promise<'queued' | 'failed' | 'cancelled' | null> {
    return failJob(this.store, this.clock, id, workerId, options);
  }

  heartbeat(id: string, workerId: string, leaseMs: number): Promise<HeartbeatAnswer> {
    return heartbeatJob(this.store, this.clock, id, workerId, leaseMs);
  }

  cancel(id: string): Promise<CancelOutcome | null> {
    return cancelJob(this.store, this.clock, id);
  }

  reapExpired(): Promise<number> {
    return reapExpiredJobs(this.store, this.clock);
  }

  get(id: string): Promise<Job | null> {
    return getJob(this.store, id);
  }

  list(filter?: ListFilter): Promise<Job[]> {
    return listJobs(this.store, filter);
  }

  load(now: Date): Promise<QueueLoad> {
    return queueLoad(this.store, now);
  }

  waitingSince(names: string[], before: Date): Promise<Array<{ lockKey: string | null; runAt: Date }>> {
    return waitingSince(this.store, names, before);
  }

  purgeFinished(before: Date): Promise<number> {
    return purgeFinishedJobs(this.store, before);
  }
}
