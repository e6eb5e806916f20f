import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { toJob } from '../job-row.js';
import type { ClaimedJob, ClaimOptions } from '../port.js';

/**
 * Claim due jobs for a worker. The claim is one UPDATE whose subquery picks the jobs:
 * - due, queued, in one of the worker's queues;
 * - whose lock key no running job holds;
 * - at most one per lock key (the best by priority, run_at, id), so one call never takes two;
 * - the first `limit` of those by priority, run_at, id.
 *
 * Why that is race-free:
 * - SQLite: a single write statement runs under the database's one write lock, from the first row
 *   it reads to the last it writes, across connections and processes (busy_timeout makes the
 *   others wait). Nothing is held across an await, so two connections in one process cannot
 *   block each other either.
 * - Postgres: under READ COMMITTED two concurrent claims could each pick a different job with the
 *   same lock key, since neither sees the other's uncommitted `running`. So claims are serialised
 *   by a transaction-scoped advisory lock taken in its own statement first; the UPDATE's snapshot
 *   is then taken after the previous claimer committed. `FOR UPDATE SKIP LOCKED` keeps the claim
 *   from waiting on a row another writer (an admin action, say) holds at that moment. A claim is
 *   one statement over the due jobs, so one lock for all queues costs little at Koppel's scale;
 *   the price is that claims commit one after another (each commit waits for its fsync).
 */
export async function claimJobs(
  store: Store,
  clock: Clock,
  workerId: string,
  options: ClaimOptions,
): Promise<ClaimedJob[]> {
  if (options.queues.length === 0) return [];
  const limit = options.limit ?? 1;
  if (limit < 1) return [];
  const now = clock.now();
  const iso = now.toISOString();
  const lockedUntil = new Date(now.getTime() + options.leaseMs).toISOString();

  const update = (db: Kysely<Database>) => {
    const ranked = db
      .selectFrom('jobs as j')
      .select([
        'j.id',
        'j.priority',
        'j.run_at',
        sql<number>`row_number() over (partition by coalesce(j.lock_key, j.id) order by j.priority, j.run_at, j.id)`.as(
          'rank',
        ),
      ])
      .where('j.state', '=', 'queued')
      .where('j.queue', 'in', options.queues)
      .where('j.run_at', '<=', iso)
      .where((eb) =>
        eb.or([
          eb('j.lock_key', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('jobs as r')
                .select('r.id')
                .whereRef('r.lock_key', '=', 'j.lock_key')
                .where('r.state', '=', 'running'),
            ),
          ),
        ]),
      );
    const picked = db
      .selectFrom(ranked.as('c'))
      .select('c.id')
      .where('c.rank', '=', 1)
      .orderBy('c.priority')
      .orderBy('c.run_at')
      .orderBy('c.id')
      .limit(limit);
    const chosen = store.caps.skipLocked
      ? db.selectFrom('jobs').select('id').where('id', 'in', picked).forUpdate().skipLocked()
      : picked;
    return db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        locked_by: workerId,
        locked_until: lockedUntil,
        updated_at: iso,
      }))
      .where('id', 'in', chosen)
      .where('state', '=', 'queued')
      .returningAll()
      .execute();
  };

  const rows =
    store.caps.dialect === 'postgres'
      ? await store.db.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(hashtext('koppel.jobs.claim'))`.execute(trx);
          return update(trx);
        })
      : await update(store.db);

  return rows
    .map((row) => toJob(row) as ClaimedJob)
    .sort(
      (a, b) =>
        a.priority - b.priority ||
        a.runAt.getTime() - b.runAt.getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}
