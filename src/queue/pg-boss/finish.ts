import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { FailOptions } from '../port.js';
import type { KoppelJobData } from './names.js';
import { bossDbOf, inTransaction } from './transaction.js';

/** The row of the worker's running job, locked for the rest of the transaction. */
const heldSql = `select name, data, output from pgboss.job
  where id = $1 and state = 'active' and data->>'lockedBy' = $2 for update`;

interface Held {
  name: string;
  data: KoppelJobData;
  output: object | null;
}

/** active → completed by pg-boss's `complete`, only for the worker holding the job. */
export function completeOnBoss(pool: pg.Pool, boss: PgBoss, id: string, workerId: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<Held>(heldSql, [id, workerId]);
    const held = rows[0];
    if (!held) return false;
    // pg-boss's output is where Koppel keeps the last error; a success after a retry keeps it.
    await boss.complete(held.name, id, held.output ?? {}, { db: bossDbOf(client, { savepoint: false }) });
    return true;
  });
}

/**
 * pg-boss's `fail` decides between retry and failed by retry_count < retry_limit, as Koppel
 * does by attempts < maxAttempts, but it computes the retry time itself (now + retry_delay
 * seconds, or its own backoff). Koppel's runner has decided the time already (an error's
 * retry-after, capped backoff), so the retried row gets `retryAt` as its start_after in the same
 * transaction; a failure for good first sets retry_limit to retry_count so pg-boss fails it. A job
 * someone asked to cancel is cancelled instead.
 */
export function failOnBoss(
  pool: pg.Pool,
  boss: PgBoss,
  id: string,
  workerId: string,
  options: FailOptions,
): Promise<'queued' | 'failed' | 'cancelled' | null> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<Held>(heldSql, [id, workerId]);
    const held = rows[0];
    if (!held) return null;
    const db = bossDbOf(client, { savepoint: false });
    const output = { message: options.message };
    if (held.data.cancelRequestedAt !== undefined) {
      await boss.cancel(held.name, id, { db });
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
    await boss.fail(held.name, id, output, { db });
    const retried = await client.query(
      `update pgboss.job set start_after = $3 where name = $1 and id = $2 and state = 'retry' returning id`,
      [held.name, id, options.retryAt ?? new Date()],
    );
    return retried.rowCount === 1 ? 'queued' : 'failed';
  });
}
