import type pg from 'pg';
import type { Job, ListFilter, QueueLoad } from '../port.js';
import { bossJobColumns, bossStatesOf, jobOf, type BossJobRow } from './job-of.js';
import { bossQueuePrefix } from './names.js';

const ours = `name like '${bossQueuePrefix}%'`;

/** A job wherever pg-boss keeps it: in `pgboss.job`, or in its archive once it ended a while ago. */
export async function bossGetJob(pool: pg.Pool, id: string): Promise<Job | null> {
  const { rows } = await pool.query<BossJobRow>(
    `select ${bossJobColumns} from pgboss.job where id = $1 and ${ours}
     union all
     select ${bossJobColumns} from pgboss.archive where id = $1 and ${ours}
     limit 1`,
    [id],
  );
  const row = rows[0];
  return row ? jobOf(row) : null;
}

/** Newest first, from both tables, in Koppel's states and queues. */
export async function bossListJobs(pool: pg.Pool, filter: ListFilter): Promise<Job[]> {
  const states = filter.state === undefined ? null : bossStatesOf[filter.state];
  const where = `${ours}
    and ($1::text[] is null or state::text = any($1::text[]))
    and ($2::text is null or data->>'queue' = $2)`;
  const { rows } = await pool.query<BossJobRow>(
    `select * from (
       select ${bossJobColumns} from pgboss.job where ${where}
       union all
       select ${bossJobColumns} from pgboss.archive where ${where}
     ) j order by created_on desc, id desc limit $3`,
    [states, filter.queue ?? null, filter.limit ?? 100],
  );
  return rows.map(jobOf);
}

/** The metrics' view of pg-boss's jobs, in Koppel's states and queues. */
export async function bossQueueLoad(pool: pg.Pool, now: Date): Promise<QueueLoad> {
  const [live, oldest] = await Promise.all([
    pool.query<{ queue: string; state: 'queued' | 'running'; n: string }>(
      `select data->>'queue' as queue, case when state = 'active' then 'running' else 'queued' end as state,
         count(*) as n
       from pgboss.job where ${ours} and state <= 'active' group by 1, 2`,
    ),
    pool.query<{ queue: string; since: Date }>(
      `select data->>'queue' as queue, min(start_after) as since
       from pgboss.job where ${ours} and state < 'active' and start_after <= $1 group by 1`,
      [now],
    ),
  ]);
  return {
    live: live.rows.map((r) => ({ queue: r.queue, state: r.state, count: Number(r.n) })),
    oldestDue: oldest.rows.map((r) => ({ queue: r.queue, since: r.since })),
  };
}

export async function bossWaitingSince(
  pool: pg.Pool,
  names: string[],
  before: Date,
): Promise<Array<{ lockKey: string | null; runAt: Date }>> {
  const { rows } = await pool.query<{ lock_key: string | null; start_after: Date }>(
    `select data->>'lockKey' as lock_key, start_after from pgboss.job
     where ${ours} and state < 'active' and data->>'name' = any($1::text[]) and start_after < $2
     order by start_after`,
    [names, before],
  );
  return rows.map((r) => ({ lockKey: r.lock_key, runAt: r.start_after }));
}

/**
 * pg-boss archives ended jobs and deletes its archive on its own schedule (set from Koppel's
 * default metadata retention); this applies the installation's retention setting on top, in both.
 */
export async function bossPurgeFinished(pool: pg.Pool, before: Date): Promise<number> {
  const ended = `${ours} and state in ('completed', 'failed', 'cancelled') and completed_on < $1`;
  const live = await pool.query(`delete from pgboss.job where ${ended}`, [before]);
  const archived = await pool.query(`delete from pgboss.archive where ${ended}`, [before]);
  return (live.rowCount ?? 0) + (archived.rowCount ?? 0);
}
