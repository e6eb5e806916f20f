import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { migrateToLatest } from './database.js';

describe.each(testDialects)('store on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.drop();
    tdb = undefined;
  });

  it('migrates to the latest version, and migrating again changes nothing', async () => {
    tdb = await createTestDatabase(dialect);
    const store = tdb.open();
    try {
      const again = await migrateToLatest(store);
      expect(again.results).toEqual([]);
      const tables = await store.db.introspection.getTables();
      const names = tables.map((t) => t.name);
      for (const t of [
        'pairs',
        'connections',
        'flows',
        'mappings',
        'runs',
        'records',
        'links',
        'write_ahead',
        'dead_letters',
        'cursors',
        'events',
        'jobs',
      ]) {
        expect(names).toContain(t);
      }
    } finally {
      await store.close();
    }
  });

  it('rolls a failed migration run back whole, and the next run succeeds', async () => {
    tdb = await createTestDatabase(dialect, { migrate: false });
    const store = tdb.open();
    try {
      // A table in the way of the second migration: the first has run when the second fails.
      await store.db.schema.createTable('runs').addColumn('id', 'text').execute();
      await expect(migrateToLatest(store)).rejects.toThrow(/0002-engine/);
      const names = (await store.db.introspection.getTables()).map((t) => t.name);
      expect(names).not.toContain('pairs');
      if (names.includes('koppel_migrations')) {
        const applied = await sql`select name from koppel_migrations`.execute(store.db);
        expect(applied.rows).toEqual([]);
      }
      await store.db.schema.dropTable('runs').execute();
      await migrateToLatest(store);
      const runs = await store.db.selectFrom('runs').selectAll().execute();
      expect(runs).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('migrates an up-to-date database without waiting for another process writing', async () => {
    tdb = await createTestDatabase(dialect);
    const writer = await openWriter(tdb);
    const store = tdb.open();
    try {
      await writer.run(`insert into settings (key, value, updated_at) values ('k', 'v', 'x')`);
      expect((await migrateToLatest(store)).results).toEqual([]);
    } finally {
      await store.close();
      await writer.close();
    }
  });

  it('keeps a dedupe key unique among live jobs only', async () => {
    tdb = await createTestDatabase(dialect);
    const store = tdb.open();
    try {
      const row = (id: string, state: string) => ({
        id,
        queue: 'q',
        name: 'n',
        payload: '{}',
        dedupe_key: 'k',
        lock_key: null,
        state,
        priority: 1,
        run_at: 'x',
        attempts: 0,
        max_attempts: 1,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: 'x',
        updated_at: 'x',
        finished_at: null,
      });
      await store.db.insertInto('jobs').values(row('a', 'completed')).execute();
      await store.db.insertInto('jobs').values(row('b', 'queued')).execute();
      await expect(store.db.insertInto('jobs').values(row('c', 'running')).execute()).rejects.toThrow();
      const count = await store.db
        .selectFrom('jobs')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(2);
    } finally {
      await store.close();
    }
  });
});

/**
 * Another process's connection inside a write transaction it keeps open until closed (rolled
 * back): SQLite's write lock taken at once (`begin immediate`), on Postgres an open transaction.
 */
async function openWriter(
  tdb: TestDatabase,
): Promise<{ run(text: string): Promise<void>; close(): Promise<void> }> {
  if (tdb.dialect === 'sqlite') {
    const conn = new SqliteDatabase(path.join(tdb.dataDir, 'koppel.db'));
    conn.exec('begin immediate');
    return {
      run: (text) => Promise.resolve(void conn.exec(text)),
      close: () => Promise.resolve(void conn.close()),
    };
  }
  const client = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
  await client.connect();
  await client.query('begin');
  return {
    run: async (text) => void (await client.query(text)),
    close: () => client.end(),
  };
}
