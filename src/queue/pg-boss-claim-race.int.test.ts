import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logging.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { PgBossQueue } from './pg-boss-queue.js';

const jobCount = 120;

/**
 * A claimer in its own process on the pg-boss adapter: says `ready`, waits for `go`, then claims
 * from its own Koppel queue until every job is done, printing each claim and any moment it sees two
 * active jobs sharing a lock key. Plain JavaScript through tsx, importing the TypeScript sources.
 */
const childScript = `
const [root, config] = process.argv.slice(1);
const { PgBossQueue } = await import(new URL('src/queue/pg-boss-queue.ts', root));
const { createLogger } = await import(new URL('src/core/logging.ts', root));
const { SecretRegistry } = await import(new URL('src/core/secret-registry.ts', root));
const { default: pg } = await import('pg');
const { worker, queues, databaseUrl } = JSON.parse(config);
const queue = new PgBossQueue({ databaseUrl, logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }) });
await queue.start();
const watch = new pg.Pool({ connectionString: databaseUrl, max: 1 });
const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
say({ ready: worker });
for await (const _ of process.stdin) break;
for (;;) {
  const jobs = await queue.claim(worker, { queues, leaseMs: 60000, limit: 2 });
  if (jobs.length === 0) {
    const left = await watch.query("select 1 from pgboss.job where state <> 'completed' limit 1");
    if (left.rowCount === 0) break;
    await new Promise((r) => setTimeout(r, 1));
    continue;
  }
  for (const job of jobs) {
    say({ claimed: job.id });
    if (job.lockKey === null) continue;
    const running = await watch.query(
      "select id from pgboss.job where state = 'active' and data->>'lockKey' = $1", [job.lockKey]);
    if (running.rowCount > 1) say({ violation: job.lockKey + ' running ' + running.rowCount + ' times' });
  }
  await new Promise((r) => setTimeout(r, Math.random() * 2));
  for (const job of jobs) await queue.complete(job.id, worker);
}
await watch.end();
await queue.stop();
say({ done: worker });
`;

describe('claiming concurrently on pg-boss', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    await tdb.drop();
  });

  it('never claims a job twice nor runs one lock key twice, between processes serving different queues', async () => {
    const root = new URL('../../', import.meta.url).href;
    const queue = new PgBossQueue({
      databaseUrl: tdb.env.DATABASE_URL ?? '',
      logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
    });
    await queue.start();
    // Each process serves its own queue while lock keys span both.
    const children = (['a', 'b'] as const).map((queueName) => {
      const worker = `process-${queueName}`;
      const config = JSON.stringify({ worker, queues: [queueName], databaseUrl: tdb.env.DATABASE_URL });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', childScript, root, config],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      const lines: Array<Record<string, string>> = [];
      const ready = new Promise<void>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const message = JSON.parse(line) as Record<string, string>;
          lines.push(message);
          if (message.ready) resolve();
        });
      });
      return { child, lines, ready, exited: once(child, 'exit') };
    });
    try {
      await Promise.all(children.map((c) => c.ready));
      for (let i = 0; i < jobCount; i++) {
        await queue.enqueue({
          queue: i % 2 === 0 ? 'a' : 'b',
          name: 'n',
          priority: i % 3,
          ...(i % 5 === 0 ? {} : { lockKey: `flow-${i % 7}` }),
        });
      }
      for (const { child } of children) child.stdin.end('go\n');
      const exits = await Promise.all(children.map((c) => c.exited));
      expect(exits.map(([code]) => code as number)).toEqual([0, 0]);
    } finally {
      await queue.stop();
    }

    const lines = children.flatMap((c) => c.lines);
    expect(lines.filter((l) => l.violation)).toEqual([]);
    const claimed = lines.flatMap((l) => (l.claimed ? [l.claimed] : []));
    expect(claimed).toHaveLength(jobCount);
    expect(new Set(claimed).size).toBe(jobCount);
    for (const c of children) expect(c.lines.some((l) => l.claimed)).toBe(true);
  });
});
