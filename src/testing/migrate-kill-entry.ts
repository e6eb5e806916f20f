/**
 * Test-only child process: opens the store from the environment as the CLI does and migrates it,
 * like `koppel migrate`. The migration kill test (src/store/migrate-kill.int.test.ts) kills it
 * part-way. With KILL_AT_STATEMENT=n the child sends itself SIGKILL just before the n-th SQL
 * statement of the run, so a kill can be aimed at every point between two statements; without it,
 * it prints one JSON line: how many statements the run sent and how long it took.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { loadConfig } from '../core/config.js';
import { migrateToLatest, openStore } from '../store/database.js';

const killAt = process.env.KILL_AT_STATEMENT ? Number(process.env.KILL_AT_STATEMENT) : undefined;
let statements = 0;
const killer: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs) {
    statements += 1;
    if (statements === killAt) process.kill(process.pid, 'SIGKILL');
    return args.node;
  },
  transformResult(args: PluginTransformResultArgs) {
    return Promise.resolve(args.result);
  },
};

const config = loadConfig(process.env);
const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
try {
  // Tells a parent that kills on a timer that migrating starts now.
  process.stderr.write('migrating\n');
  const started = performance.now();
  await migrateToLatest({ ...store, db: store.db.withPlugin(killer) });
  process.stdout.write(JSON.stringify({ statements, ms: performance.now() - started }) + '\n');
} finally {
  await store.close();
}
