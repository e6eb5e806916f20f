import type pg from 'pg';
import type PgBoss from 'pg-boss';

/**
 * pg-boss runs its commands through any object with `executeSql`, so a Koppel operation can run a
 * pg-boss command and its own statements in one transaction on one client.
 *
 * `savepoint`: pg-boss's `fetch` swallows the unique-index violation with which the singleton
 * policy refuses a second active job (the lock). Inside a transaction that error would abort the
 * whole transaction, so each such command runs under a savepoint that is rolled back on error,
 * and the transaction goes on as if the command had found nothing.
 */
export function bossDbOf(client: pg.PoolClient, options: { savepoint: boolean }): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      if (!options.savepoint) return client.query(text, values);
      await client.query('savepoint koppel_boss');
      try {
        const result = await client.query(text, values);
        await client.query('release savepoint koppel_boss');
        return result;
      } catch (e) {
        await client.query('rollback to savepoint koppel_boss');
        throw e;
      }
    },
  };
}

/** Run `work` in one transaction on one client of the pool; rolled back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Thrown inside `inTransaction` to undo it on purpose (a fetched job that was not ours to take). */
export class Undo extends Error {}
