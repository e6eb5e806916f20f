import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { KoppelError } from '../core/errors.js';
import { ensurePrivateDataDir, ensurePrivateFile } from '../core/private-files.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export const dialectNames = ['sqlite', 'postgres'] as const;
export type DialectName = (typeof dialectNames)[number];

/**
 * Where the two databases differ, as flags in one place. Everything else is the same Kysely query.
 */
export interface Capabilities {
  dialect: DialectName;
  /** `FOR UPDATE SKIP LOCKED` when claiming jobs (Postgres); SQLite serialises writers instead. */
  skipLocked: boolean;
  /** Largest number of bound parameters in one statement. */
  maxParameters: number;
  /**
   * Bulk inserts send the rows as one JSON parameter (`json_populate_recordset`): Postgres plans a
   * statement with thousands of parameters slowly, SQLite binds them cheaply.
   */
  jsonBulkInsert: boolean;
}

const capabilitiesOf: Record<DialectName, Capabilities> = {
  sqlite: { dialect: 'sqlite', skipLocked: false, maxParameters: 32_000, jsonBulkInsert: false },
  postgres: { dialect: 'postgres', skipLocked: true, maxParameters: 60_000, jsonBulkInsert: true },
};

export interface Store {
  db: Kysely<Database>;
  caps: Capabilities;
  /** Where the data lives, for humans: a file path or the URL without credentials. */
  location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** SQLite only: the synchronous pragma (FULL survives power loss; NORMAL survives process crashes). */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      caps: capabilitiesOf.postgres,
      location: describeUrl(options.databaseUrl),
      close: () => db.destroy(),
    };
  }
  ensurePrivateDataDir(options.dataDir);
  const file = path.join(options.dataDir, 'koppel.db');
  // Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the database file's
  // mode, and the ones an older version left are tightened here.
  ensurePrivateFile(file, { create: true });
  const sqlite = new SqliteDatabase(file);
  // First, so that switching a fresh file to WAL waits for a second process opening it at the same
  // moment (two migrates, or start and migrate) instead of failing at once on a busy lock.
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('journal_mode = WAL');
  for (const companion of ['-wal', '-shm', '-journal']) ensurePrivateFile(`${file}${companion}`);
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, caps: capabilitiesOf.sqlite, location: file, close: () => db.destroy() };
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

/**
 * Apply every pending migration. Safe to call on every start, and all-or-nothing: a run that fails
 * or is killed part-way leaves the database as it was, so the next run starts cleanly.
 *
 * Postgres: Kysely's Migrator runs every pending migration and its bookkeeping row in one
 * transaction, under a session advisory lock that the server drops with the connection when the
 * process dies. SQLite: Kysely treats DDL as non-transactional there (and takes no lock), so a kill
 * between two statements of a migration left its tables without its bookkeeping row, and every
 * later run failed on "table already exists". SQLite DDL is transactional, so the whole run,
 * bookkeeping tables included, goes inside one `BEGIN IMMEDIATE` of our own: a kill rolls it back
 * (the journal is undone on next open) and a second migrator waits on the write lock
 * (busy_timeout) instead of racing. Nothing is left locked by a dead process: the SQLite write lock
 * and the Postgres advisory lock both die with it, and Kysely's lock table is never used on SQLite.
 */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  // Every CLI command migrates on opening; with nothing to do it must not wait for the write lock
  // behind a running Koppel's long write (a purge, a bulk insert) and fail on busy_timeout.
  if (store.caps.dialect === 'sqlite' && (await isUpToDate(store.db))) return { results: [] };
  const result =
    store.caps.dialect === 'sqlite'
      ? await store.db.connection().execute(async (conn) => {
          await sql`begin immediate`.execute(conn);
          let outcome: MigrationResultSet;
          try {
            outcome = await migrator(conn, { disableTransactions: true }).migrateToLatest();
          } catch (e) {
            outcome = { error: e };
          }
          if (outcome.error === undefined) await sql`commit`.execute(conn);
          // SQLite rolls some failures back by itself (a full disk, say); then this rollback has
          // no transaction to end, and the migration's own error is the one worth reporting.
          else await sql`rollback`.execute(conn).catch(() => undefined);
          return outcome;
        })
      : await migrator(store.db, {}).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new KoppelError(
      `Migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}`,
      {
        code: 'store.migration_failed',
        kind: 'internal',
        cause: result.error,
      },
    );
  }
  return result;
}

/** Whether every migration has its bookkeeping row, read without taking a write lock. */
export async function isUpToDate(db: Kysely<Database>): Promise<boolean> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'koppel_migrations')) return false;
  const applied = await sql<{ name: string }>`select name from koppel_migrations`.execute(db);
  const names = new Set(applied.rows.map((r) => r.name));
  // Rows of migrations this version does not know (a newer Koppel ran here) go to the Migrator,
  // which refuses to run on them.
  return names.size === Object.keys(migrations).length && Object.keys(migrations).every((n) => names.has(n));
}

function migrator(db: Kysely<Database>, options: { disableTransactions?: boolean }): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'koppel_migrations',
    migrationLockTableName: 'koppel_migrations_lock',
    ...options,
  });
}
