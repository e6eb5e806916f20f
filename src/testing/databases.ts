import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { sql } from 'kysely';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach } from 'vitest';
import { migrateToLatest, openStore, type DialectName, type Store } from '../store/database.js';

/**
 * Test-only: a fresh, migrated database per call, on SQLite and on the Postgres server of this
 * machine. Postgres is never skipped: if it does not answer, the test fails and says so.
 */
export const testDialects: DialectName[] = ['sqlite', 'postgres'];

export const postgresAdminUrl =
  process.env.KOPPEL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: DialectName;
  /** For child processes: DATABASE_URL (Postgres) or the data folder (SQLite). */
  env: Record<string, string>;
  dataDir: string;
  open(): Store;
  drop(): Promise<void>;
}

/** A fresh database, migrated unless `migrate` is false (for tests of migrating itself). */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-test-'));
  if (dialect === 'sqlite') {
    const db: TestDatabase = {
      dialect,
      dataDir,
      env: { KOPPEL_DATA_DIR: dataDir },
      open: () => openStore({ dataDir, sqliteSynchronous: 'NORMAL' }),
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
    if (options.migrate !== false) await migrateOnce(db);
    return db;
  }
  const name = `koppel_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const db: TestDatabase = {
    dialect,
    dataDir,
    env: { KOPPEL_DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
    open: () => openStore({ dataDir, databaseUrl }),
    drop: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (options.migrate !== false) await migrateOnce(db);
  return db;
}

async function migrateOnce(db: TestDatabase): Promise<void> {
  const store = db.open();
  try {
    await migrateToLatest(store);
  } finally {
    await store.close();
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL does not answer at ${postgresAdminUrl} (${(e as Error).message}). ` +
        'Integration tests run on SQLite and Postgres; start it with .ci/run or pg_ctlcluster.',
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * For a `describe` block: `open()` gives each test a fresh, migrated database and a store on it;
 * both are closed and dropped after the test.
 */
export function freshStorePerTest(dialect: DialectName): {
  open(): Promise<Store>;
  database(): TestDatabase;
} {
  let tdb: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await tdb?.drop();
    store = undefined;
    tdb = undefined;
  });
  return {
    async open() {
      tdb = await createTestDatabase(dialect);
      store = tdb.open();
      return store;
    },
    database() {
      if (!tdb) throw new Error('open() first');
      return tdb;
    },
  };
}

/**
 * Everything the database holds, as text: the SQLite files' bytes (after a checkpoint, so the
 * write-ahead log is in the main file too), or every row of every Postgres table. For tests that
 * prove a secret is never stored in plain text.
 */
export async function databaseAsText(tdb: TestDatabase, store: Store): Promise<string> {
  if (tdb.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(FULL)`.execute(store.db);
    return readdirSync(tdb.dataDir)
      .filter((f) => f.startsWith('koppel.db'))
      .map((f) => readFileSync(path.join(tdb.dataDir, f)).toString('latin1'))
      .join('\n');
  }
  const parts: string[] = [];
  // Every schema's tables: pg-boss keeps its jobs (and their payloads) in a schema of its own.
  for (const table of await store.db.introspection.getTables()) {
    const rows = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(qualified(table))} t`.execute(store.db);
    parts.push(...rows.rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/**
 * Test-only: every row of every table (migration bookkeeping included), all columns, as one text:
 * for asserting that something appears nowhere in the database.
 */
export async function dumpDatabase(store: Store): Promise<string> {
  const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
  const out: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(qualified(t))}`.execute(
      store.db,
    );
    for (const row of rows) {
      const cells = Object.entries(row).map(([k, v]) => `${k}=${asText(v)}`);
      out.push(`${t.name}: ${cells.join(' | ')}`);
    }
  }
  return out.join('\n');
}

/** A table's name with its schema when it has one that is not the default (pg-boss's `pgboss`). */
function qualified(t: { name: string; schema?: string }): string {
  return t.schema && t.schema !== 'public' ? `${t.schema}.${t.name}` : t.name;
}

function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v as string | number | bigint | boolean);
}
