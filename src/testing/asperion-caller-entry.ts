/**
 * Test-only child process: opens the app from the environment (as a worker does) on a ScaledClock,
 * says `ready`, waits for the file GO_FILE (so that callers start together), and sends CALLS reads
 * to the Asperion sandbox through the `asperion` connection's client, CONCURRENCY at a time (one
 * unless set). Prints the statuses as one JSON line.
 */
import { existsSync } from 'node:fs';
import { asperionClientOf } from '../connectors/asperion/app.js';
import { loadConfig } from '../core/config.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import { createApp } from '../main.js';
import { ScaledClock } from './scaled-clock.js';

const env = process.env;
const clock = new ScaledClock(Number(env.CLOCK_ANCHOR), Number(env.CLOCK_SPEED));
const app = await createApp(loadConfig(env), { clock, migrate: false });
try {
  const row = await app.store.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', 'asperion')
    .executeTakeFirstOrThrow();
  const client = asperionClientOf(
    connectorContext(app.engine, row, new CallCounter(), new AbortController().signal),
  );
  process.stdout.write('ready\n');
  while (!existsSync(env.GO_FILE ?? '')) await new Promise((r) => setTimeout(r, 5));
  const statuses: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next < Number(env.CALLS)) {
      const i = next++;
      const res = await client.request('GET', 'vatcodes');
      await res.body?.cancel();
      statuses[i] = res.status;
    }
  };
  await Promise.all(Array.from({ length: Number(env.CONCURRENCY ?? 1) }, caller));
  process.stdout.write(JSON.stringify({ statuses }) + '\n');
} finally {
  await app.close();
}
