import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../core/clock.js';
import { StoreQueue, WorkerPool, type Job } from '../queue/index.js';
import { testDialects } from '../testing/databases.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';
import { startSecondPair, type SecondPair } from '../testing/second-pair.js';
import { flowRunJobSpec } from './enqueue-run.js';
import { engineJobHandlers } from './job-handlers.js';
import { backfillQueue, engineQueue, flowLockKey } from './job-names.js';
import { runFlow } from './run-flow.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const divisionB = 3215712;
const guid = (group: string, n: number) => `0e000000-0000-4000-${group}-${String(n).padStart(12, '0')}`;

/**
 * `count` invoices of `lines` lines each, every one to a customer of its own, ids in `group`.
 * Exact's sync feed pages by 1,000 lines, so 100 lines an invoice make a page of ten.
 */
function orders(group: string, count: number, item: string, lines = 1, from = 1) {
  const numbers = Array.from({ length: count }, (_, i) => from + i);
  return {
    'crm/Accounts': numbers.map((n) => ({
      ID: guid(`a${group.slice(1)}`, n),
      Name: `Klant ${group}-${n} BV`,
      Email: `klant${n}@k${group}.example.nl`,
      AddressLine1: 'Stationsplein 4',
      Postcode: '3511 ED',
      City: 'Utrecht',
      Country: 'NL',
      Status: 'C',
    })),
    'salesinvoice/SalesInvoices': numbers.map((n) => ({
      InvoiceID: guid(group, n),
      Journal: '70',
      OrderedBy: guid(`a${group.slice(1)}`, n),
      Description: `Webshop ${n}`,
      SalesInvoiceLines: Array.from({ length: lines }, () => ({
        Item: item,
        Quantity: 1,
        UnitPrice: 20,
        VATCode: 'VH',
      })),
    })),
  };
}

/** How many Asperion invoices carry each Exact invoice id of `ids`. */
function copies(invoices: any[], ids: string[]): number[] {
  return ids.map((id) => invoices.filter((i) => String(i.description).includes(`[koppel:${id}]`)).length);
}

describe.each(testDialects)('a backfill that gives its worker up for API budget, on %s', (dialect) => {
  let pair: Pair | undefined;
  let b: SecondPair | undefined;
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.stop({ graceMs: 1_000 });
    await b?.close();
    await pair?.close();
    pool = b = pair = undefined;
  });

  /**
   * Pair A's orders flow with `invoices` to backfill, the Exact sandbox allowing `minutelyLimit`
   * calls a minute per division, and a pool of one slot on the virtual clock's queue. The pool
   * sleeps in real time (briefly); the engine, the queue and the sandbox share the virtual clock,
   * which only the test moves between runs, so a continuation comes due when the test says so.
   */
  async function setUp(invoices: number, minutelyLimit: number) {
    const ids = orders('8000', invoices, '')['salesinvoice/SalesInvoices'].map((i) => i.InvoiceID);
    pair = await startPair(dialect);
    const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
    await pair.addExact(orders('8000', invoices, item.ID, 100));
    const settings = await fetch(`${pair.fx.url}/__sandbox/settings`, {
      method: 'PUT',
      body: JSON.stringify({ minutelyLimit }),
    });
    expect(settings.ok).toBe(true);
    const { h, clock } = pair.fx;
    const queue = new StoreQueue(h.store, clock);
    pool = new WorkerPool({
      queue,
      clock: systemClock,
      logger: h.deps.logger,
      concurrency: 1,
      queues: [engineQueue, backfillQueue],
      handlers: engineJobHandlers(h.deps, {}, undefined, { queue, afterMs: 5_000 }),
      pollIntervalMs: 10,
      // The virtual clock jumps while a run sleeps out short waits: no heartbeat could keep up.
      leaseMs: 24 * 3_600_000,
      heartbeatIntervalMs: 3_600_000,
      backoff: { baseMs: 1_000, capMs: 1_000 },
    });
    const runsOf = (flowId: string) =>
      h.store.db
        .selectFrom('runs')
        .select(['id', 'state', 'job_id', 'error_code', 'started_at', 'finished_at'])
        .where('flow_id', '=', flowId)
        .orderBy('id')
        .execute();
    /** Moves the virtual clock to the flow's waiting continuation, if nothing runs meanwhile. */
    const toNextContinuation = async (flowId: string) => {
      const running = await h.store.db
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'running')
        .execute();
      if (running.length > 0) return;
      const next = await h.store.db
        .selectFrom('jobs')
        .select('run_at')
        .where('state', '=', 'queued')
        .where('lock_key', '=', flowLockKey(flowId))
        .executeTakeFirst();
      const wait = next ? new Date(next.run_at).getTime() - clock.now().getTime() : 0;
      if (wait > 0) clock.advance(wait);
    };
    const backfillToEnd = (flowId: string) =>
      vi.waitFor(
        async () => {
          const runs = await runsOf(flowId);
          if (runs.at(-1)?.state !== 'succeeded') {
            await toNextContinuation(flowId);
            throw new Error(`runs of ${flowId}: ${runs.map((r) => r.state).join(', ')}`);
          }
          return runs;
        },
        { timeout: 30_000, interval: 20 },
      );
    return { h, clock, queue, pool, runsOf, backfillToEnd, ids };
  }

  it('hands its slot to another pair while its minute refills, then finishes with every invoice once', async () => {
    const t = await setUp(30, 4);
    // Pair B has read before, so its next run is live work on its own division's budget.
    const p = pair!;
    b = await startSecondPair(p, divisionB);
    const itemB = '0f000000-0000-4000-8000-000000000001';
    await b.addExact({
      'logistics/Items': [{ ID: itemB, Code: 'B-1', Description: 'Band' }],
      ...orders('9000', 1, itemB),
    });
    expect((await runFlow(t.h.deps, { flowId: 'orders-2', trigger: 'manual' })).state).toBe('succeeded');
    t.clock.advance(60_000);
    await b.addExact(orders('9000', 2, itemB, 1, 2));
    const trafficBefore = (await p.fx.requests()).length;

    await t.queue.enqueue({ ...flowRunJobSpec('orders', 'manual', 100), queue: engineQueue });
    t.pool.start();
    const [yielded] = await vi.waitFor(
      async () => {
        const runs = await t.runsOf('orders');
        if (runs[0]?.state !== 'yielded') throw new Error(`A's first run is ${runs[0]?.state}`);
        return runs;
      },
      { timeout: 10_000, interval: 10 },
    );
    expect(yielded!.error_code).toBe('budget.yield');
    // Queued like any run, the backfill moved to the backfill queue before it started.
    expect((await t.queue.get(yielded!.job_id!))?.queue).toBe(backfillQueue);
    // The run row says yielded a moment before its job queues the continuation.
    const continuation = await vi.waitFor(
      () =>
        t.h.store.db
          .selectFrom('jobs')
          .selectAll()
          .where('queue', '=', backfillQueue)
          .where('state', '=', 'queued')
          .executeTakeFirstOrThrow(),
      { timeout: 10_000, interval: 10 },
    );
    expect(new Date(continuation.run_at).getTime()).toBeGreaterThan(t.clock.now().getTime() + 5_000);

    // A webhook's run of pair B takes the slot A gave up, and goes through while A waits.
    await t.queue.enqueue({ ...flowRunJobSpec('orders-2', 'webhook', 100), queue: engineQueue });
    const [, bRun] = await vi.waitFor(
      async () => {
        const runs = await t.runsOf('orders-2');
        if (runs[1]?.state !== 'succeeded') throw new Error(`B's run is ${runs[1]?.state}`);
        return runs;
      },
      { timeout: 10_000, interval: 10 },
    );
    expect((await t.queue.get(continuation.id))?.state).toBe('queued');

    const runsA = await t.backfillToEnd('orders');
    expect(runsA.length).toBeGreaterThanOrEqual(2);
    expect(runsA.slice(0, -1).every((r) => r.state === 'yielded')).toBe(true);

    // The sandbox's traffic: B's calls fall between A's yield and A's next call, and nobody hit a 429.
    const traffic = (await p.fx.requests()).slice(trafficBefore);
    expect(traffic.filter((r) => r.status === 429)).toEqual([]);
    const ofA = traffic.filter((r) => r.path.startsWith(`/api/v1/${p.fx.division}/`));
    const ofB = traffic.filter((r) => r.path.startsWith(`/api/v1/${divisionB}/`));
    expect(ofB.length).toBeGreaterThan(0);
    const yieldAt = yielded!.finished_at!;
    const resumedAt = runsA[1]!.started_at!;
    for (const call of ofB) {
      expect(call.at >= yieldAt).toBe(true);
      expect(call.at <= bRun!.finished_at!).toBe(true);
    }
    expect(bRun!.finished_at! <= resumedAt).toBe(true);
    // A's calls in the minute it yielded: all of it that a backfill may use (4 less a reserve of 2).
    expect(ofA.filter((r) => r.at.slice(0, 16) === yieldAt.slice(0, 16)).length).toBe(2);

    expect(copies(await p.invoices(), t.ids)).toEqual(t.ids.map(() => 1));
    expect(
      copies(
        await b.invoices(),
        [1, 2, 3].map((n) => guid('9000', n)),
      ),
    ).toEqual([1, 1, 1]);
  }, 60_000);

  it('yields more often than its job has attempts, and still finishes, every continuation on its first attempt', async () => {
    const t = await setUp(40, 2);
    await t.queue.enqueue({ ...flowRunJobSpec('orders', 'manual', 100), queue: engineQueue, maxAttempts: 2 });
    t.pool.start();
    const runs = await t.backfillToEnd('orders');
    const yields = runs.filter((r) => r.state === 'yielded');
    expect(yields.length).toBeGreaterThan(2);
    const jobs: Job[] = await Promise.all(runs.map(async (r) => (await t.queue.get(r.job_id!))!));
    expect(jobs.map((j) => [j.state, j.attempts])).toEqual(jobs.map(() => ['completed', 1]));
    // Nothing of a yield is a failure: the runs say yielded (which the failing-flow alert does not
    // read), and no run.failed event was raised.
    const events = await t.h.store.db
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'run.failed')
      .execute();
    expect(events).toEqual([]);
    expect(copies(await pair!.invoices(), t.ids)).toEqual(t.ids.map(() => 1));
  }, 60_000);
});
