import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { ClaimedJob, ClaimOptions } from '../port.js';
import { bossJobColumns, jobOf, type BossJobRow } from './job-of.js';
import { bossQueuePrefix, isLockQueue, type KoppelJobData } from './names.js';
import { bossDbOf, inTransaction, Undo } from './transaction.js';

/**
 * The pg-boss queues to fetch from, best first, with the job `fetch` should take next in each:
 * among the worker's own due jobs, by priority desc, created_on, id (pg-boss's order) — for a lock
 * queue one job, and only when no job of it is active; every due job of a standard queue counts on
 * its own. `hide` says a lock queue also holds due jobs of Koppel queues this worker does not
 * serve (a `koppel sync`'s private queue): `fetch` takes the queue's head whoever it belongs to,
 * so those are hidden from it while it runs. A read only: `fetch` decides who gets what.
 */
const candidatesSql = `
  select c.name, c.policy = 'singleton' and exists (
      select 1 from pgboss.job f
      where f.name = c.name and f.state < 'active' and f.start_after < now()
        and not (f.data->>'queue' = any($1::text[]))
    ) as hide
  from (
    select j.name, j.id, j.priority, j.created_on, j.policy,
      row_number() over (
        partition by case when j.policy = 'singleton' then j.name else j.id::text end
        order by j.priority desc, j.created_on, j.id
      ) as rank
    from pgboss.job j
    where j.name like '${bossQueuePrefix}%'
      and j.state < 'active' and j.start_after < now()
      and j.data->>'queue' = any($1::text[])
      and not exists (
        select 1 from pgboss.job a where a.name = j.name and a.policy = 'singleton' and a.state = 'active'
      )
  ) c
  where c.rank = 1
  order by c.priority desc, c.created_on, c.id
  limit $2`;

/**
 * Row locks taken by a second connection while the fetch runs: pg-boss's `FOR UPDATE SKIP LOCKED`
 * passes over them, so the fetch takes the best job of the worker's own queues, as the store
 * queue's claim does. Locks held by our own transaction would not be skipped, hence the second one.
 */
const hideSql = `
  select id from pgboss.job
  where name = $1 and state < 'active' and not (data->>'queue' = any($2::text[]))
  for update skip locked`;

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
  const { rows } = await pool.query<{ name: string; hide: boolean }>(candidatesSql, [options.queues, limit]);
  const claimed: ClaimedJob[] = [];
  for (const { name, hide } of rows) {
    if (claimed.length >= limit) break;
    const take = () =>
      takeOne(pool, boss, name, workerId, options).catch((e: unknown) => {
        if (e instanceof Undo) return null;
        throw e;
      });
    const job = hide ? await hidingForeignJobs(pool, name, options.queues, take) : await take();
    if (job) claimed.push(job);
  }
  return claimed;
}

async function hidingForeignJobs<T>(
  pool: pg.Pool,
  name: string,
  queues: string[],
  work: () => Promise<T>,
): Promise<T> {
  const hider = await pool.connect();
  try {
    await hider.query('begin');
    await hider.query(hideSql, [name, queues]);
    return await work();
  } finally {
    await hider.query('rollback').catch(() => undefined);
    hider.release();
  }
}

async function takeOne(
  pool: pg.Pool,
  boss: PgBoss,
  name: string,
  workerId: string,
  options: ClaimOptions,
): Promise<ClaimedJob | null> {
  return inTransaction(pool, async (client) => {
    const [fetched] = await boss.fetch<KoppelJobData>(name, {
      batchSize: 1,
      // Only a lock queue's unique index can make the fetch fail.
      db: bossDbOf(client, { savepoint: isLockQueue(name) }),
    });
    if (!fetched) return null;
    if (!options.queues.includes(fetched.data.queue)) throw new Undo();
    if (fetched.data.cancelRequestedAt !== undefined) {
      // pg-boss's own maintenance expired a job someone asked to cancel and queued it again, as it
      // knows no cancel request: it ends here instead of running again.
      await boss.cancel(name, fetched.id, { db: bossDbOf(client, { savepoint: false }) });
      return null;
    }
    const { rows } = await client.query<BossJobRow>(takeSql, [name, fetched.id, workerId, options.leaseMs]);
    const row = rows[0];
    return row ? (jobOf(row) as ClaimedJob) : null;
  });
}
