import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as wait } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../testing/databases.js';
import { StoreQueue } from './store-queue.js';

const jobCount = 120;
const loopsPerStore = 4;

/**
 * A claimer in its own process: opens the store itself, says `ready`, waits for `go` on stdin, then
 * claims until no job is left, printing each claim and any moment it sees two running jobs sharing
 * a lock key. Plain JavaScript run through tsx, so it imports the TypeScript sources as they are.
 */
const childScript = `
const [root, config] = process.argv.slice(1);
const { openStore } = await import(new URL('src/store/database.ts', root));
const { ManualClock } = await import(new URL('src/core/clock.ts', root));
const { StoreQueue } = await import(new URL('src/queue/store-queue.ts', root));
const { worker, queues, dataDir, databaseUrl } = JSON.parse(config);
const store = openStore({ dataDir, databaseUrl, sqliteSynchronous: 'NORMAL' });
const queue = new StoreQueue(store, new ManualClock('2026-01-01T00:00:00.000Z'));
const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
say({ ready: worker });
for await (const _ of process.stdin) break;
for (;;) {
  const jobs = await queue.claim(worker, { queues, leaseMs: 60000, limit: 2 });
  if (jobs.length === 0) {
    const left = await store.db.selectFrom('jobs').select('id').where('state', '!=', 'completed').limit(1).execute();
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 1));
    continue;
  }
  for (const job of jobs) {
    say({ claimed: job.id });
    if (job.lockKey === null) continue;
    const running = await store.db.selectFrom('jobs').select('id')
      .where('state', '=', 'running').where('lock_key', '=', job.lockKey).execute();
    if (running.length > 1) say({ violation: job.lockKey + ' running ' + running.length + ' times' });
  }
  await new Promise((r) => setTimeout(r, Math.random() * 2));
  for (const job of jobs) await queue.complete(job.id, worker);
}
await store.close();
say({ done: worker });
`;

describe.each(testDialects)('claiming concurrently on %s', (dialect) => {
  let tdb: TestDatabase;
  const stores: Store[] = [];

  // One database per file and dialect; each test empties the jobs table and opens its own stores.
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });

  afterAll(async () => {
    await tdb.drop();
  });

  beforeEach(async () => {
    const store = tdb.open();
    try {
      await store.db.deleteFrom('jobs').execute();
    } finally {
      await store.close();
    }
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('never claims a job twice and never runs two jobs with one lock key at once, across two stores', async () => {
    stores.push(tdb.open(), tdb.open());
    const clock = new ManualClock();
    const queues = stores.map((s) => new StoreQueue(s, clock));
    // Jobs sharing a lock key sit in both queues: claimers serving different queues would each
    // see their own job of a key as the best one, so only serialised claims keep them apart.
    await Promise.all(
      Array.from({ length: jobCount }, (_, i) =>
        queues[i % 2]!.enqueue({
          queue: i % 2 === 0 ? 'a' : 'b',
          name: 'n',
          priority: i % 3,
          ...(i % 5 === 0 ? {} : { lockKey: `flow-${i % 7}` }),
        }),
      ),
    );
    const served = [['a'], ['b'], ['a', 'b']];

    const claims = new Map<string, string>();
    const held = new Set<string>();
    const violations: string[] = [];
    let completed = 0;

    const claimLoop = async (queue: StoreQueue, worker: string, queueNames: string[], limit: number) => {
      while (completed < jobCount) {
        const jobs = await queue.claim(worker, { queues: queueNames, leaseMs: 60_000, limit });
        if (jobs.length === 0) {
          await wait(1);
          continue;
        }
        for (const job of jobs) {
          const earlier = claims.get(job.id);
          if (earlier) violations.push(`${job.id} claimed by ${earlier} and by ${worker}`);
          claims.set(job.id, worker);
          if (job.lockKey !== null) {
            if (held.has(job.lockKey)) violations.push(`${job.lockKey} held twice (${job.id} by ${worker})`);
            held.add(job.lockKey);
          }
        }
        await wait(Math.random() * 3);
        for (const job of jobs) {
          // Released before the job completes: from that commit on, another claimer may take the key.
          if (job.lockKey !== null) held.delete(job.lockKey);
          expect(await queue.complete(job.id, worker)).toBe(true);
          completed++;
        }
      }
    };

    // An observer reading the table itself: no instant with two running jobs sharing a lock key.
    const observe = async (store: Store) => {
      while (completed < jobCount) {
        const doubled = await store.db
          .selectFrom('jobs')
          .select(['lock_key', sql<number>`count(*)`.as('running')])
          .where('state', '=', 'running')
          .where('lock_key', 'is not', null)
          .groupBy('lock_key')
          .having(sql<number>`count(*)`, '>', 1)
          .execute();
        for (const row of doubled)
          violations.push(`observed ${row.running} running jobs with ${row.lock_key}`);
        await wait(1);
      }
    };

    await Promise.all([
      ...queues.flatMap((queue, s) =>
        Array.from({ length: loopsPerStore }, (_, l) =>
          claimLoop(queue, `s${s}-w${l}`, served[(s + l) % served.length]!, 1 + (l % 3)),
        ),
      ),
      observe(stores[1]!),
    ]);

    expect(violations).toEqual([]);
    expect(claims.size).toBe(jobCount);
    expect(completed).toBe(jobCount);
    const left = await stores[0]!.db
      .selectFrom('jobs')
      .select(sql<number>`count(*)`.as('n'))
      .where('state', '!=', 'completed')
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });

  it('keeps those promises between claimers in separate processes', async () => {
    const root = new URL('../../', import.meta.url).href;
    // Each process serves its own queue while lock keys span both, as in the test above.
    const children = (['a', 'b'] as const).map((queueName) => {
      const worker = `process-${queueName}`;
      const config = JSON.stringify({
        worker,
        queues: [queueName],
        dataDir: tdb.dataDir,
        databaseUrl: tdb.env.DATABASE_URL,
      });
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
    await Promise.all(children.map((c) => c.ready));

    const store = tdb.open();
    stores.push(store);
    const queue = new StoreQueue(store, new ManualClock());
    await Promise.all(
      Array.from({ length: jobCount }, (_, i) =>
        queue.enqueue({
          queue: i % 2 === 0 ? 'a' : 'b',
          name: 'n',
          ...(i % 5 === 0 ? {} : { lockKey: `flow-${i % 7}` }),
        }),
      ),
    );
    for (const { child } of children) child.stdin.end('go\n');
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits.map(([code]) => code as number)).toEqual([0, 0]);

    const lines = children.flatMap((c) => c.lines);
    expect(lines.filter((l) => l.violation)).toEqual([]);
    const claimed = lines.flatMap((l) => (l.claimed ? [l.claimed] : []));
    expect(claimed).toHaveLength(jobCount);
    expect(new Set(claimed).size).toBe(jobCount);
    // Every process took part, or this would not have tested anything.
    for (const c of children) expect(c.lines.some((l) => l.claimed)).toBe(true);
  });
});
