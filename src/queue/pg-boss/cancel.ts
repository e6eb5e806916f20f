import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { CancelOutcome } from '../port.js';
import { bossQueuePrefix } from './names.js';
import { bossDbOf, inTransaction } from './transaction.js';

/**
 * A waiting job is cancelled by pg-boss's `cancel`. A running one cannot be: pg-boss would end
 * it while its handler still runs and free its lock key. So the request is noted in its data (the
 * heartbeat answers with it) and its dedupe key dropped, so new requests queue a new job.
 */
export function cancelOnBoss(pool: pg.Pool, boss: PgBoss, id: string): Promise<CancelOutcome | null> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ name: string; state: string }>(
      `select name, state from pgboss.job where id = $1 and name like '${bossQueuePrefix}%' for update`,
      [id],
    );
    const row = rows[0];
    if (!row) {
      const archived = await client.query(`select 1 from pgboss.archive where id = $1`, [id]);
      return archived.rowCount === 0 ? null : 'finished';
    }
    const requestedAt = new Date().toISOString();
    if (row.state === 'created' || row.state === 'retry') {
      await boss.cancel(row.name, id, { db: bossDbOf(client, { savepoint: false }) });
      await client.query(`update pgboss.job set data = data || $3, output = $4 where name = $1 and id = $2`, [
        row.name,
        id,
        { cancelRequestedAt: requestedAt },
        { message: 'Cancelled before it ran' },
      ]);
      return 'cancelled';
    }
    if (row.state === 'active') {
      await client.query(
        `update pgboss.job set data = (data - 'dedupeKey') || jsonb_build_object('cancelRequestedAt',
           coalesce(data->>'cancelRequestedAt', $3)) where name = $1 and id = $2`,
        [row.name, id, requestedAt],
      );
      return 'requested';
    }
    return 'finished';
  });
}
