import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { KoppelError } from '../../core/errors.js';
import { defaultMaxAttempts, defaultPriority, type EnqueueResult, type EnqueueSpec } from '../port.js';
import { bossQueuePrefix, type KoppelJobData } from './names.js';
import { bossDbOf, inTransaction } from './transaction.js';

/** A queued job waits in pg-boss for at most this long (pg-boss archives older `created` jobs). */
export const queuedJobKeptDays = 365;

/**
 * pg-boss's own singleton keys cannot carry Koppel's dedupe keys: its indexes are per pg-boss
 * queue and say nothing about which job a refused send joined. So the enqueuers of one dedupe
 * key take turns on an advisory lock, read the live job with that key, and send only when none
 * takes the request in. A job without a dedupe key is one `send`.
 */
export async function enqueueOnBoss(
  pool: pg.Pool,
  boss: PgBoss,
  bossQueue: string,
  spec: EnqueueSpec,
): Promise<EnqueueResult> {
  const data: KoppelJobData = {
    queue: spec.queue,
    name: spec.name,
    payload: spec.payload ?? {},
    priority: spec.priority ?? defaultPriority,
    ...(spec.dedupeKey !== undefined && { dedupeKey: spec.dedupeKey }),
    ...(spec.lockKey !== undefined && { lockKey: spec.lockKey }),
  };
  const dedupeKey = spec.dedupeKey;
  if (dedupeKey === undefined) {
    const db: PgBoss.Db = { executeSql: (text: string, values: unknown[]) => pool.query(text, values) };
    return { id: await send(boss, bossQueue, data, spec, db), deduped: false };
  }
  return inTransaction(pool, async (client) => {
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
    const id = await send(boss, bossQueue, data, spec, bossDbOf(client, { savepoint: false }));
    return { id, deduped: false };
  });
}

/**
 * pg-boss's `send`, with retries and backoff left to Koppel (retry_delay 0: `fail` only decides
 * retry or failed) and waiting jobs kept far longer than pg-boss's 14 days.
 */
async function send(
  boss: PgBoss,
  name: string,
  data: KoppelJobData,
  spec: EnqueueSpec,
  db: PgBoss.Db,
): Promise<string> {
  const id = await boss.send(name, data as unknown as object, {
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
