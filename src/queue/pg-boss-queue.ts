import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from '../core/logging.js';
import { cancelOnBoss } from './pg-boss/cancel.js';
import { claimFromBoss } from './pg-boss/claim.js';
import { enqueueOnBoss } from './pg-boss/enqueue.js';
import { completeOnBoss, failOnBoss } from './pg-boss/finish.js';
import { heartbeatOnBoss, reapExpiredOnBoss } from './pg-boss/lease.js';
import { moveStoreJobs } from './pg-boss/move-store-jobs.js';
import { bossQueueOf, isBossId } from './pg-boss/names.js';
import {
  bossGetJob,
  bossListJobs,
  bossPurgeFinished,
  bossQueueLoad,
  bossWaitingSince,
} from './pg-boss/reads.js';
import { inTransaction } from './pg-boss/transaction.js';
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

export interface PgBossQueueOptions {
  databaseUrl: string;
  logger: Logger;
  /** Connections of this queue's own pool; default 8 (a claim may hold two). */
  poolSize?: number;
  /**
   * At start, move the waiting and running jobs of Koppel's `jobs` table into pg-boss (an
   * installation switching from the store queue). Default true.
   */
  moveStoreJobs?: boolean;
}

/**
 * The job queue on pg-boss 10, for installations on PostgreSQL. pg-boss holds the jobs
 * (`pgboss.job`), takes them (`fetch`), enforces the lock keys (`singleton` queues), retries and
 * fails them (`fail` with retry_limit), expires the ones whose worker stopped renewing them
 * (`expire`), cancels, archives and deletes them. Koppel adds what pg-boss has no word for: the
 * dedupe key, the worker that holds a job, the lease renewal, the cancel request of a running job
 * and the exact retry time; see ARCHITECTURE.md ("Jobs on PostgreSQL: pg-boss").
 *
 * Times are the database's now(), not an injected Clock: pg-boss compares start_after and expiry
 * with now() in its SQL. Tests of this adapter run on real time.
 */
export class PgBossQueue implements JobQueue {
  private readonly pool: pg.Pool;
  private readonly boss: PgBoss;
  private readonly queues = new Set<string>();
  private started: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly poolDb: PgBoss.Db = {
    executeSql: (text: string, values: unknown[]) => this.pool.query(text, values),
  };

  constructor(private readonly options: PgBossQueueOptions) {
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 8,
      application_name: 'koppel-pgboss',
    });
    this.pool.on('error', (e) => options.logger.error({ err: e }, 'pg-boss pool connection failed'));
    this.boss = new PgBoss({
      db: this.poolDb,
      // Koppel's scheduler fires the cron schedules (see ARCHITECTURE.md). Maintenance is Koppel's
      // too: every worker poll expires lost leases (reapExpired) and the retention purge deletes
      // ended jobs (purgeFinished), so a one-shot command starts no timers and writes nothing of
      // pg-boss's own bookkeeping.
      schedule: false,
      supervise: false,
    });
    this.boss.on('error', (e: unknown) => options.logger.error({ err: e }, 'pg-boss maintenance failed'));
  }

  /** Create or upgrade pg-boss's schema and start its maintenance. Safe to call more than once. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      if (this.options.moveStoreJobs === false) return;
      const moved = await moveStoreJobs(this.pool, this.boss, (q) => this.ensureQueue(q));
      if (moved > 0) this.options.logger.info({ moved }, 'Jobs of the jobs table moved to pg-boss');
    })().catch((e: unknown) => {
      // A database that did not answer this time may answer the next call.
      this.started = undefined;
      throw e;
    });
    return this.started;
  }

  /** Stop pg-boss's maintenance and close the pool. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.started) {
        await this.started.catch(() => undefined);
        // Koppel's worker pool ran the jobs, so there is nothing of pg-boss's own to wait for.
        await this.boss.stop({ graceful: false, close: false, wait: true });
      }
      await this.pool.end();
    })();
    return this.stopped;
  }

  /**
   * pg-boss's `create_queue` adds a partition to pgboss.job and foreign keys to pgboss.queue; two
   * processes creating queues at once deadlock on those locks. So creators take turns on an
   * advisory lock, and a queue that exists already is not created again. The SQL function is
   * pg-boss's own, called as its `createQueue` does, only on our client inside the lock.
   */
  private async ensureQueue(queue: { name: string; policy: 'standard' | 'singleton' }): Promise<void> {
    if (this.queues.has(queue.name)) return;
    await inTransaction(this.pool, async (client) => {
      const known = await client.query(`select 1 from pgboss.queue where name = $1`, [queue.name]);
      if (known.rowCount !== 0) return;
      await client.query(`select pg_advisory_xact_lock(hashtext('koppel.pgboss.create-queue'))`);
      await client.query(`select pgboss.create_queue($1, $2)`, [queue.name, { policy: queue.policy }]);
    });
    this.queues.add(queue.name);
  }

  /** See pg-boss/enqueue.ts: pg-boss's `send`, with Koppel's dedupe key in front of it. */
  async enqueue(spec: EnqueueSpec): Promise<EnqueueResult> {
    const queue = bossQueueOf(spec);
    await this.start();
    await this.ensureQueue(queue);
    return enqueueOnBoss(this.pool, this.boss, queue.name, spec);
  }

  async claim(workerId: string, options: ClaimOptions): Promise<ClaimedJob[]> {
    await this.start();
    return claimFromBoss(this.pool, this.boss, workerId, options);
  }

  async complete(id: string, workerId: string): Promise<boolean> {
    if (!isBossId(id)) return false;
    await this.start();
    return completeOnBoss(this.pool, this.boss, id, workerId);
  }

  async fail(
    id: string,
    workerId: string,
    options: FailOptions,
  ): Promise<'queued' | 'failed' | 'cancelled' | null> {
    if (!isBossId(id)) return null;
    await this.start();
    return failOnBoss(this.pool, this.boss, id, workerId, options);
  }

  async heartbeat(id: string, workerId: string, leaseMs: number): Promise<HeartbeatAnswer> {
    if (!isBossId(id)) return 'lost';
    await this.start();
    return heartbeatOnBoss(this.pool, id, workerId, leaseMs);
  }

  async cancel(id: string): Promise<CancelOutcome | null> {
    if (!isBossId(id)) return null;
    await this.start();
    return cancelOnBoss(this.pool, this.boss, id);
  }

  async reapExpired(): Promise<number> {
    await this.start();
    return reapExpiredOnBoss(this.pool, this.boss);
  }

  async get(id: string): Promise<Job | null> {
    if (!isBossId(id)) return null;
    await this.start();
    return bossGetJob(this.pool, id);
  }

  async list(filter: ListFilter = {}): Promise<Job[]> {
    await this.start();
    return bossListJobs(this.pool, filter);
  }

  async load(now: Date): Promise<QueueLoad> {
    await this.start();
    return bossQueueLoad(this.pool, now);
  }

  async waitingSince(names: string[], before: Date): Promise<Array<{ lockKey: string | null; runAt: Date }>> {
    await this.start();
    return bossWaitingSince(this.pool, names, before);
  }

  async purgeFinished(before: Date): Promise<number> {
    await this.start();
    return bossPurgeFinished(this.pool, before);
  }
}
