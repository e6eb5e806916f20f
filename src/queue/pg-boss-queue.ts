import pg from 'pg';
import PgBoss from 'pg-boss';
import { KoppelError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import { claimFromBoss } from './pg-boss/claim.js';
import { bossJobColumns, bossStatesOf, jobOf, type BossJobRow } from './pg-boss/job-of.js';
import { bossQueueOf, bossQueuePrefix, isBossId, type KoppelJobData } from './pg-boss/names.js';
import { moveStoreJobs } from './pg-boss/move-store-jobs.js';
import { bossPurgeFinished, bossQueueLoad, bossWaitingSince } from './pg-boss/reads.js';
import { bossDbOf, inTransaction } from './pg-boss/transaction.js';
import {
  defaultMaxAttempts,
  defaultPriority,
  type CancelOutcome,
  type ClaimedJob,
  type ClaimOptions,
  type EnqueueResult,
  type EnqueueSpec,
  type FailOptions,
  type HeartbeatAnswer,
  type Job,
  type JobQueue,
  type ListFilter,
  type QueueLoad,
} from './port.js';

export interface PgBossQueueOptions {
  databaseUrl: string;
  logger: Logger;
  /**
   * How long pg-boss keeps finished jobs in `pgboss.job` before it moves them to its archive, and
   * how long the archive keeps them: Koppel's metadata retention maps onto these.
   */
  retention?: { archiveAfterSeconds?: number; deleteAfterDays?: number };
  /** Connections of this queue's own pool; default 8 (a claim may hold two). */
  poolSize?: number;
  /**
   * At start, move the waiting and running jobs of Koppel's `jobs` table into pg-boss (an
   * installation switching from the store queue). Default true.
   */
  moveStoreJobs?: boolean;
}

/** The row of the worker's running job, locked for the rest of the transaction. */
const heldSql = `select name, data, output, retry_count, retry_limit from pgboss.job
  where id = $1 and state = 'active' and data->>'lockedBy' = $2 for update`;

/** A queued job waits in pg-boss for at most this long (pg-boss archives older `created` jobs). */
const queuedJobKeptDays = 365;

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
      // Koppel's scheduler fires the cron schedules (see ARCHITECTURE.md).
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: 60,
      ...(options.retention?.archiveAfterSeconds !== undefined && {
        archiveCompletedAfterSeconds: options.retention.archiveAfterSeconds,
      }),
      ...(options.retention?.deleteAfterDays !== undefined && {
        deleteAfterDays: options.retention.deleteAfterDays,
      }),
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

  /**
   * pg-boss's own singleton keys cannot carry Koppel's dedupe keys: its indexes are per pg-boss
   * queue and say nothing about which job a refused send joined. So the enqueuers of one dedupe
   * key take turns on an advisory lock, read the live job with that key, and send only when none
   * takes the request in.
   */
  async enqueue(spec: EnqueueSpec): Promise<EnqueueResult> {
    const queue = bossQueueOf(spec);
    await this.start();
    await this.ensureQueue(queue);
    const priority = spec.priority ?? defaultPriority;
    const data: KoppelJobData = {
      queue: spec.queue,
      name: spec.name,
      payload: spec.payload ?? {},
      priority,
      ...(spec.dedupeKey !== undefined && { dedupeKey: spec.dedupeKey }),
      ...(spec.lockKey !== undefined && { lockKey: spec.lockKey }),
    };
    const dedupeKey = spec.dedupeKey;
    if (dedupeKey === undefined) {
      return { id: await this.send(queue.name, data, spec, this.poolDb), deduped: false };
    }
    return inTransaction(this.pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('koppel.dedupe:' || $1))`, [dedupeKey]);
      // created and retry (waiting) sort before active in pg-boss's state enum.
      const { rows } = await client.query<{ id: string; state: string }>(
        `select id, state from pgboss.job where name like '${bossQueuePrefix}%' and data->>'dedupeKey' = $1
           and state <= 'active' order by state, created_on limit 1`,
        [dedupeKey],
      );
      const live = rows[0];
      if (live && (live.state !== 'active' || spec.dedupeWhile !== 'queued')) {
        return { id: live.id, deduped: true };
      }
      const id = await this.send(queue.name, data, spec, bossDbOf(client, { savepoint: false }));
      return { id, deduped: false };
    });
  }

  /**
   * pg-boss's `send`, with retries and backoff left to Koppel (retry_delay 0: `fail` only decides
   * retry or failed) and waiting jobs kept far longer than pg-boss's 14 days.
   */
  private async send(name: string, data: KoppelJobData, spec: EnqueueSpec, db: PgBoss.Db): Promise<string> {
    const id = await this.boss.send(name, data as unknown as object, {
      priority: -data.priority,
      ...(spec.runAt !== undefined && { startAfter: spec.runAt }),
      retryLimit: (spec.maxAttempts ?? defaultMaxAttempts) - 1,
      retryDelay: 0,
      retryBackoff: false,
      retentionDays: queuedJobKeptDays,
      db,
    });
    if (id === null) {
      throw new KoppelError(`pg-boss refused job ${spec.name} in ${name}`, {
        code: 'queue.enqueue_refused',
        kind: 'internal',
      });
    }
    return id;
  }

  claim(workerId: string, options: ClaimOptions): Promise<ClaimedJob[]> {
    return this.start().then(() => claimFromBoss(this.pool, this.boss, workerId, options));
  }

  async complete(id: string, workerId: string): Promise<boolean> {
    if (!isBossId(id)) return false;
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ name: string; output: object | null }>(heldSql, [id, workerId]);
      const held = rows[0];
      if (!held) return false;
      // pg-boss's output is where Koppel keeps the last error; a success after a retry keeps it.
      await this.boss.complete(held.name, id, held.output ?? {}, {
        db: bossDbOf(client, { savepoint: false }),
      });
      return true;
    });
  }

  /**
   * pg-boss's `fail` decides between retry and failed by retry_count < retry_limit, as Koppel
   * does by attempts < maxAttempts, but it computes the retry time itself (now + retry_delay
   * seconds, or its own backoff). Koppel's runner has decided the time already (an error's
   * retry-after, capped backoff), so the retried row gets `retryAt` as its start_after in the same
   * transaction; a failure for good first sets retry_limit to retry_count so pg-boss fails it.
   */
  async fail(
    id: string,
    workerId: string,
    options: FailOptions,
  ): Promise<'queued' | 'failed' | 'cancelled' | null> {
    if (!isBossId(id)) return null;
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ name: string; data: KoppelJobData }>(heldSql, [id, workerId]);
      const held = rows[0];
      if (!held) return null;
      const db = bossDbOf(client, { savepoint: false });
      const output = { message: options.message };
      if (held.data.cancelRequestedAt !== undefined) {
        await this.boss.cancel(held.name, id, { db });
        await client.query(`update pgboss.job set output = $3 where name = $1 and id = $2`, [
          held.name,
          id,
          output,
        ]);
        return 'cancelled';
      }
      if (options.retryAt === null) {
        await client.query(`update pgboss.job set retry_limit = retry_count where name = $1 and id = $2`, [
          held.name,
          id,
        ]);
      }
      await this.boss.fail(held.name, id, output, { db });
      const retried = await client.query(
        `update pgboss.job set start_after = $3 where name = $1 and id = $2 and state = 'retry' returning id`,
        [held.name, id, options.retryAt ?? new Date()],
      );
      return retried.rowCount === 1 ? 'queued' : 'failed';
    });
  }

  /**
   * pg-boss 10 has no heartbeat: a job expires when started_on + expire_in has passed. Renewing
   * the lease moves expire_in so that it ends `leaseMs` from now.
   */
  async heartbeat(id: string, workerId: string, leaseMs: number): Promise<HeartbeatAnswer> {
    if (!isBossId(id)) return 'lost';
    const { rows } = await this.pool.query<{ cancel: string | null }>(
      `update pgboss.job set expire_in = (now() - started_on) + $3 * interval '1 millisecond'
         where id = $1 and state = 'active' and data->>'lockedBy' = $2
         returning data->>'cancelRequestedAt' as cancel`,
      [id, workerId, leaseMs],
    );
    const row = rows[0];
    if (!row) return 'lost';
    return row.cancel === null ? 'ours' : 'cancel_requested';
  }

  /**
   * A waiting job is cancelled by pg-boss's `cancel`. A running one cannot be: pg-boss would end
   * it while its handler still runs and free its lock key. So the request is noted in its data (the
   * heartbeat answers with it) and its dedupe key dropped, so new requests queue a new job.
   */
  async cancel(id: string): Promise<CancelOutcome | null> {
    if (!isBossId(id)) return null;
    await this.start();
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ name: string; state: string }>(
        `select name, state from pgboss.job where id = $1 and name like '${bossQueuePrefix}%' for update`,
        [id],
      );
      const row = rows[0];
      if (!row) {
        const archived = await client.query(`select 1 from pgboss.archive where id = $1`, [id]);
        return archived.rowCount === 0 ? null : 'finished';
      }
      const requested = { cancelRequestedAt: new Date().toISOString() };
      if (row.state === 'created' || row.state === 'retry') {
        await this.boss.cancel(row.name, id, { db: bossDbOf(client, { savepoint: false }) });
        await client.query(
          `update pgboss.job set data = data || $3, output = $4 where name = $1 and id = $2`,
          [row.name, id, requested, { message: 'Cancelled before it ran' }],
        );
        return 'cancelled';
      }
      if (row.state === 'active') {
        await client.query(
          `update pgboss.job set data = (data - 'dedupeKey') || jsonb_build_object('cancelRequestedAt',
             coalesce(data->>'cancelRequestedAt', $3)) where name = $1 and id = $2`,
          [row.name, id, requested.cancelRequestedAt],
        );
        return 'requested';
      }
      return 'finished';
    });
  }

  /**
   * pg-boss's `expire` fails every active job past started_on + expire_in: to `retry` (due at
   * once, retry_delay is 0) while attempts are left, else to `failed`. A job someone asked to
   * cancel is ended `cancelled` first, since pg-boss would queue it again.
   */
  async reapExpired(): Promise<number> {
    await this.start();
    const expired = `state = 'active' and started_on + expire_in < now() and name like '${bossQueuePrefix}%'`;
    const cancelled = await this.pool.query(
      `update pgboss.job set state = 'cancelled', completed_on = now(),
         output = jsonb_build_object('message', 'lease expired: worker ' || coalesce(data->>'lockedBy', '?') || ' stopped renewing it')
       where ${expired} and data ? 'cancelRequestedAt'`,
    );
    const { rows } = await this.pool.query<{ count: string }>(
      `select count(*) from pgboss.job where ${expired}`,
    );
    await this.boss.expire();
    return (cancelled.rowCount ?? 0) + Number(rows[0]?.count ?? 0);
  }

  async get(id: string): Promise<Job | null> {
    if (!isBossId(id)) return null;
    await this.start();
    const { rows } = await this.pool.query<BossJobRow>(
      `select ${bossJobColumns} from pgboss.job where id = $1 and name like '${bossQueuePrefix}%'
       union all
       select ${bossJobColumns} from pgboss.archive where id = $1 and name like '${bossQueuePrefix}%'
       limit 1`,
      [id],
    );
    const row = rows[0];
    return row ? jobOf(row) : null;
  }

  async list(filter: ListFilter = {}): Promise<Job[]> {
    await this.start();
    const states = filter.state === undefined ? null : bossStatesOf[filter.state];
    const where = `name like '${bossQueuePrefix}%'
      and ($1::text[] is null or state::text = any($1::text[]))
      and ($2::text is null or data->>'queue' = $2)`;
    const { rows } = await this.pool.query<BossJobRow>(
      `select * from (
         select ${bossJobColumns} from pgboss.job where ${where}
         union all
         select ${bossJobColumns} from pgboss.archive where ${where}
       ) j order by created_on desc, id desc limit $3`,
      [states, filter.queue ?? null, filter.limit ?? 100],
    );
    return rows.map(jobOf);
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
