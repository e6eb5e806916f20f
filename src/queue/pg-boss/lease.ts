import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { lostStartLimit, type HeartbeatAnswer } from '../port.js';
import { bossQueuePrefix } from './names.js';

/**
 * pg-boss 10 has no heartbeat: a job expires when started_on + expire_in has passed. Renewing
 * the lease moves expire_in so that it ends `leaseMs` from now, for the worker holding the job.
 */
export async function heartbeatOnBoss(
  pool: pg.Pool,
  id: string,
  workerId: string,
  leaseMs: number,
): Promise<HeartbeatAnswer> {
  const { rows } = await pool.query<{ cancel: string | null }>(
    `update pgboss.job set expire_in = (now() - started_on) + $3 * interval '1 millisecond'
       where id = $1 and state = 'active' and data->>'lockedBy' = $2
       returning data->>'cancelRequestedAt' as cancel`,
    [id, workerId, leaseMs],
  );
  const row = rows[0];
  if (!row) return 'lost';
  return row.cancel === null ? 'ours' : 'cancel_requested';
}

/** What pg-boss 10 writes into the output of a job it expired. */
const bossTimeoutMessage = 'job failed by timeout in active state';

/**
 * pg-boss's `expire` fails every active job past started_on + expire_in: to `retry` (due at
 * once, retry_delay is 0) while attempts are left, else to `failed`. A job someone asked to
 * cancel is ended `cancelled` first, since pg-boss would queue it again. The lost start of any
 * other is given back first (retry_limit + 1) until the job has started `lostStartLimit` times,
 * since pg-boss counts an expiry as a failure. The count is read just before `expire` runs: a job
 * expiring in between is reaped but not counted.
 */
export async function reapExpiredOnBoss(pool: pg.Pool, boss: PgBoss): Promise<number> {
  const expired = `state = 'active' and started_on + expire_in < now() and name like '${bossQueuePrefix}%'`;
  // Every worker polls this each second and almost always nothing has expired: one read then, and
  // the writes (cancel, pg-boss's expire over every queue) only when there is something to reap.
  const { rows } = await pool.query<{ count: string }>(`select count(*) from pgboss.job where ${expired}`);
  const count = Number(rows[0]?.count ?? 0);
  if (count === 0) return 0;
  await pool.query(
    `update pgboss.job set state = 'cancelled', completed_on = now(),
       output = jsonb_build_object('message', 'lease expired: worker ' || coalesce(data->>'lockedBy', '?') || ' stopped renewing it')
     where ${expired} and data ? 'cancelRequestedAt'`,
  );
  // pg-boss counts retry_count up on every start but the first: starts = retry_count + 1.
  await pool.query(
    `update pgboss.job set retry_limit = retry_limit + 1 where ${expired} and retry_count + 1 < $1`,
    [lostStartLimit],
  );
  await boss.expire();
  // pg-boss writes its own sentence; the job's last error names the worker that was lost, as the
  // store queue's does.
  await pool.query(
    `update pgboss.job set output = jsonb_build_object('message', 'lease expired: worker ' || coalesce(data->>'lockedBy', '?') || ' stopped renewing it')
     where name like '${bossQueuePrefix}%' and state in ('retry', 'failed') and output->'value'->>'message' = $1`,
    [bossTimeoutMessage],
  );
  return count;
}
