import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { createApp } from '../main.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { harnessSecretKey } from '../testing/engine-harness.js';
import { migrations } from './migrations/index.js';

const entry = path.resolve(import.meta.dirname, '../testing/migrate-kill-entry.ts');
const kills = 20;

interface ChildOutcome {
  signal: NodeJS.Signals | null;
  code: number | null;
  stdout: string;
}

/**
 * Migrates the database in its own process. `killAt` makes the child kill itself just before that
 * statement; `killAfterMs` has the test kill it that long after it starts migrating.
 */
function migrateChild(
  tdb: TestDatabase,
  kill: { killAt?: number; killAfterMs?: number } = {},
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: {
        ...process.env,
        ...tdb.env,
        KOPPEL_LOG_LEVEL: 'warn',
        ...(kill.killAt === undefined ? {} : { KILL_AT_STATEMENT: String(kill.killAt) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = kill.killAfterMs !== undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d.toString().replace(/^migrating\n/m, ''));
      if (armed && stderr.startsWith('migrating\n')) {
        armed = false;
        setTimeout(() => child.kill('SIGKILL'), kill.killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}

/** Koppel's tables, sorted: not SQLite's own, nor those of pg-boss's schema (made at start). */
async function tableNames(tdb: TestDatabase): Promise<string[]> {
  const store = tdb.open();
  try {
    const tables = await store.db.introspection.getTables();
    return tables
      .filter((t) => t.schema === undefined || t.schema === 'public')
      .map((t) => t.name)
      .filter((n) => !n.startsWith('sqlite_'))
      .sort();
  } finally {
    await store.close();
  }
}

describe.each(testDialects)('a migration killed part-way on %s', (dialect) => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const tdb of open.splice(0)) await tdb.drop();
  });
  async function freshDatabase(): Promise<TestDatabase> {
    const tdb = await createTestDatabase(dialect, { migrate: false });
    open.push(tdb);
    return tdb;
  }

  it('leaves a database that migrates again to the full schema and opens', { timeout: 180_000 }, async () => {
    // One run to the end: how many statements a full migration sends, how long it takes, and the
    // full schema to compare against.
    const reference = await freshDatabase();
    const full = await migrateChild(reference);
    expect(full.code, full.stdout).toBe(0);
    const { statements, ms } = JSON.parse(full.stdout) as { statements: number; ms: number };
    const fullSchema = await tableNames(reference);
    expect(fullSchema).toContain('runs');

    const outcomes: string[] = [];
    const killOnce = async (i: number) => {
      const tdb = await freshDatabase();
      // Half the kills are aimed between two statements, spread over the whole run; half land on
      // a timer anywhere in it (a statement or a commit in flight).
      const slot = Math.floor(i / 2);
      const kill =
        i % 2 === 0
          ? {
              killAt: Math.min(
                statements,
                1 + Math.floor(((slot + Math.random()) * statements) / (kills / 2)),
              ),
            }
          : { killAfterMs: Math.random() * ms * 1.2 };
      const describeKill = JSON.stringify(kill);
      const killed = await migrateChild(tdb, kill);
      if (kill.killAt !== undefined)
        expect(killed.signal, `${describeKill}: ${killed.stdout}`).toBe('SIGKILL');
      // All or nothing: none of the app's tables, or all of them (on Postgres, Kysely creates its
      // bookkeeping tables before its transaction, so those two may be there on their own).
      const ownTables = (names: string[]) => names.filter((n) => !n.startsWith('koppel_migrations'));
      const left = ownTables(await tableNames(tdb));
      expect([[], ownTables(fullSchema)], describeKill).toContainEqual(left);
      outcomes.push(`${describeKill} ${killed.signal ?? `exit ${killed.code}`}`);

      // As `koppel start` opens: migrate, then use the store.
      const app = await createApp(loadConfig({ ...tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey }), {
        logDestination: { write: () => undefined },
      }).catch((e: unknown) => {
        throw new Error(`after kill ${describeKill}: ${(e as Error).message}`);
      });
      try {
        const runs = await app.store.db
          .selectFrom('runs')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(runs.n)).toBe(0);
        const applied = await sql<{
          name: string;
        }>`select name from koppel_migrations order by name`.execute(app.store.db);
        expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
      } finally {
        await app.close();
      }
      expect(await tableNames(tdb), describeKill).toEqual(fullSchema);
      await tdb.drop();
      open.splice(open.indexOf(tdb), 1);
    };
    // Two at a time, each on its own database: the children spend most of their time starting up.
    for (let i = 0; i < kills; i += 2) await Promise.all([killOnce(i), killOnce(i + 1)]);
    process.stderr.write(
      `${dialect}: ${statements} statements, ${ms.toFixed(0)} ms; kills: ${outcomes.join(', ')}\n`,
    );
  });

  it('lets two processes migrate the same fresh database at once', { timeout: 60_000 }, async () => {
    const tdb = await freshDatabase();
    const reference = await freshDatabase();
    expect((await migrateChild(reference)).code).toBe(0);
    // The second waits for the first's write lock (SQLite) or advisory lock (Postgres), then finds
    // nothing left to do.
    const both = await Promise.all([migrateChild(tdb), migrateChild(tdb)]);
    for (const outcome of both) expect(outcome.code, outcome.stdout).toBe(0);
    expect(await tableNames(tdb)).toEqual(await tableNames(reference));
  });
});
