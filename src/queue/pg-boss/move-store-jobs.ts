import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { queuedJobKeptDays } from './enqueue.js';
import { bossQueueOf, type KoppelJobData } from './names.js';
import { bossDbOf, inTransaction } from './transaction.js';

interface StoreJobRow {
  id: string;
  queue: string;
  name: string;
  payload: string;
  dedupe_key: string | null;
  lock_key: string | null;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  created_at: string;
}

/**
 * Move the waiting and running jobs of Koppel's `jobs` table into pg-boss, once, when an
 * installation switches to it. A running job goes back to waiting: its worker was the old engine,
 * which no process of this installation runs any more. Attempts made so far count (pg-boss's
 * retry_count, with started_on set as pg-boss marks a job that ran). One transaction under an
 * advisory lock: of two processes starting at once, the second waits and then finds nothing left;
 * a crash midway moves nothing. The rows leave the `jobs` table in that same transaction.
 */
export async function moveStoreJobs(
  pool: pg.Pool,
  boss: PgBoss,
  ensureQueue: (queue: { name: string; policy: 'standard' | 'singleton' }) => Promise<void>,
): Promise<number> {
  const exists = await pool.query(`select to_regclass('jobs') is not null as present`);
  if (!(exists.rows[0] as { present: boolean }).present) return 0;
  // Queues are created outside the transaction (pg-boss creates a partition per queue); doing it
  // twice is harmless.
  const { rows: lanes } = await pool.query<{ queue: string; lock_key: string | null }>(
    `select distinct queue, lock_key from jobs where state in ('queued', 'running')`,
  );
  for (const lane of lanes) await ensureQueue(bossQueueOf({ queue: lane.queue, lockKey: lane.lock_key }));
  return inTransaction(pool, async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtext('koppel.jobs.move-to-pg-boss'))`);
    const { rows } = await client.query<StoreJobRow>(
      `select id, queue, name, payload, dedupe_key, lock_key, priority, run_at, attempts, max_attempts, created_at
       from jobs where state in ('queued', 'running') order by created_at, id for update`,
    );
    const db = bossDbOf(client, { savepoint: false });
    for (const row of rows) {
      const queue = bossQueueOf({ queue: row.queue, lockKey: row.lock_key });
      await ensureQueue(queue);
      const data: KoppelJobData = {
        queue: row.queue,
        name: row.name,
        payload: JSON.parse(row.payload) as KoppelJobData['payload'],
        priority: Number(row.priority),
        movedFrom: row.id,
        ...(row.dedupe_key !== null && { dedupeKey: row.dedupe_key }),
        ...(row.lock_key !== null && { lockKey: row.lock_key }),
      };
      const id = await boss.send(queue.name, data as unknown as object, {
        priority: -Number(row.priority),
        startAfter: new Date(row.run_at),
        retryLimit: Math.max(0, Number(row.max_attempts) - 1),
        retryDelay: 0,
        retryBackoff: false,
        retentionDays: queuedJobKeptDays,
        db,
      });
      const attempts = Number(row.attempts);
      await client.query(
        `update pgboss.job set created_on = $3,
           retry_count = greatest($4::int - 1, 0),
           started_on = case when $4::int > 0 then $3::timestamptz end
         where name = $1 and id = $2`,
        [queue.name, id, new Date(row.created_at), attempts],
      );
      // A run names the job that started it (a cancel goes through it).
      await client.query(`update runs set job_id = $2 where job_id = $1`, [row.id, id]);
    }
    await client.query(`delete from jobs where state in ('queued', 'running')`);
    return rows.length;
  });
}
