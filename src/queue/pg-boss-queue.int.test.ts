import { setTimeout as wait } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { PgBossQueue } from './pg-boss-queue.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });

/** What only the pg-boss adapter has to get right; the port's contract is job-queue-contract. */
describe('PgBossQueue on postgres', () => {
  let tdb: TestDatabase;
  let admin: pg.Pool;
  let queue: PgBossQueue;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    admin = new pg.Pool({ connectionString: tdb.env.DATABASE_URL, max: 1 });
    queue = new PgBossQueue({ databaseUrl: tdb.env.DATABASE_URL ?? '', logger });
    await queue.start();
  });

  afterAll(async () => {
    await queue.stop();
    await admin.end();
    await tdb.drop();
  });

  it('never runs again a cancelled job that pg-boss’s own maintenance expired and queued again', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'flow.run', lockKey: 'flow:a' });
    await queue.claim('dead', { queues: ['default'], leaseMs: 200 });
    expect(await queue.cancel(id)).toBe('requested');
    await wait(250);
    // What pg-boss's maintenance does to an expired job when it runs before any worker's reap.
    await admin.query(`update pgboss.job set state = 'retry', start_after = now() where id = $1`, [id]);
    expect(await queue.claim('alive', { queues: ['default'], leaseMs: 60_000 })).toEqual([]);
    expect(await queue.get(id)).toMatchObject({ state: 'cancelled' });
  });

  it('keeps pg-boss’s fields out of sight: a job is in Koppel’s terms, its id a uuid', async () => {
    const { id } = await queue.enqueue({ queue: 'default', name: 'n', priority: 30, maxAttempts: 2 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await admin.query<{
      name: string;
      priority: number;
      retry_limit: number;
      policy: string;
    }>(`select name, priority, retry_limit, policy from pgboss.job where id = $1`, [id]);
    expect(rows).toEqual([
      { name: 'koppel.queue:default', priority: -30, retry_limit: 1, policy: 'standard' },
    ]);
    expect(await queue.get(id)).toMatchObject({ queue: 'default', name: 'n', priority: 30, maxAttempts: 2 });
  });
});
