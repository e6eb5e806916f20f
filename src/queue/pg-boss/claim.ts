import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { ClaimedJob, ClaimOptions } from '../port.js';
import { bossJobColumns, jobOf, type BossJobRow } from './job-of.js';
import { bossQueuePrefix } from './names.js';
import { bossDbOf, inTransaction, Undo } from './transaction.js';

/**
 * The pg-boss queues to fetch from, best first: each pg-boss queue's head (the job pg-boss's
 * `fetch` takes next: due, by priority desc, created_on, id), for a lock queue only when no job
 * of it is active and only when that head belongs to one of the worker's Koppel queues; every due
 * job of a standard queue counts on its own. A read only: `fetch` decides who gets what.
 */
const candidatesSql = `
  select c.name from (
    select j.name, j.id, j.priority, j.created_on, j.data->>'queue' as koppel_queue,
      row_number() over (
        partition by case when j.policy = 'singleton' then j.name else j.id::text end
        order by j.priority desc, j.created_on, j.id
      ) as rank
    from pgboss.job j
    where j.name like '${bossQueuePrefix}%'
      and j.state < 'active' and j.start_after < now()
      and (j.policy = 'singleton' or j.data->>'queue' = any($1::text[]))
      and not exists (
        select 1 from pgboss.job a where a.name = j.name and a.policy = 'singleton' and a.state = 'active'
      )
  ) c
  where c.rank = 1 and c.koppel_queue = any($1::text[])
  order by c.priority desc, c.created_on, c.id
  limit $2`;

const takeSql = `
  update pgboss.job set
    data = data || jsonb_build_object('lockedBy', $3::text),
    expire_in = (now() - started_on) + $4 * interval '1 millisecond'
  where name = $1 and id = $2
  returning ${bossJobColumns}`;

/**
 * Claim up to `limit` jobs: read the candidates, then take each with pg-boss's `fetch` (one job
 * per call, so a lock queue never gives two) and, in the same transaction, write the worker and the
 * lease into the row. pg-boss's singleton index makes a second active job of a lock queue
 * impossible, whoever fetches; `FOR UPDATE SKIP LOCKED` in `fetch` keeps two claimers off one job.
 * A fetch may meet a new head that belongs to another Koppel queue (a job enqueued after the
 * read): that transaction is undone, so the job stays queued for its own workers.
 */
export async function claimFromBoss(
  pool: pg.Pool,
  boss: PgBoss,
  workerId: string,
  options: ClaimOptions,
): Promise<ClaimedJob[]> {
  const limit = options.limit ?? 1;
  if (options.queues.length === 0 || limit < 1) return [];
  const { rows } = await pool.query<{ name: string }>(candidatesSql, [options.queues, limit]);
  const claimed: ClaimedJob[] = [];
  for (const { name } of rows) {
    if (claimed.length >= limit) break;
    const job = await takeOne(pool, boss, name, workerId, options).catch((e: unknown) => {
      if (e instanceof Undo) return null;
      throw e;
    });
    if (job) claimed.push(job);
  }
  return claimed;
}

async function takeOne(
  pool: pg.Pool,
  boss: PgBoss,
  name: string,
  workerId: string,
  options: ClaimOptions,
): Promise<ClaimedJob | null> {
  return inTransaction(pool, async (client) => {
    const [fetched] = await boss.fetch<{ queue: string }>(name, {
      batchSize: 1,
      db: bossDbOf(client, { savepoint: true }),
    });
    if (!fetched) return null;
    if (!options.queues.includes(fetched.data.queue)) throw new Undo();
    const { rows } = await client.query<BossJobRow>(takeSql, [name, fetched.id, workerId, options.leaseMs]);
    const row = rows[0];
    return row ? (jobOf(row) as ClaimedJob) : null;
  });
}
