import { afterEach, describe, expect, it } from 'vitest';
import { StoreQueue } from '../queue/index.js';
import { runJob } from '../queue/job-runner.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { byRef, startPair, type Pair } from '../testing/flow-test-pair.js';
import { autoRetryJob, engineJobHandlers, engineQueue, flowRunJob } from './job-handlers.js';
import { replayDeadLetters } from './replay.js';
import { runFlow } from './run-flow.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read log lines and the sandboxes' JSON as they come */

/** The JSON lines logged from `from` on (the harness keeps every line its logger wrote). */
const linesSince = (all: string[], from: number): any[] => all.slice(from).map((l) => JSON.parse(l) as any);

/** A JSON line names a key once: a log tool reading it otherwise keeps one value of two. */
const keyCount = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe.each(testDialects)('a run names itself on every line it logs, on %s', (dialect) => {
  describe('against the loopback target', () => {
    let h: EngineHarness;
    afterEach(async () => h?.close());

    /** Queues one job and runs it as a worker does, its lines going to the harness's log. */
    async function runOneJob(name: string, payload: Record<string, string>): Promise<string> {
      const queue = new StoreQueue(h.store, h.clock);
      await queue.enqueue({ queue: engineQueue, name, payload });
      const [job] = await queue.claim('w1', { queues: [engineQueue], leaseMs: 60_000, limit: 1 });
      await runJob(job!, engineJobHandlers(h.deps)[name], {
        queue,
        clock: h.clock,
        logger: h.deps.logger,
        workerId: 'w1',
        leaseMs: 60_000,
        heartbeatIntervalMs: 20_000,
        backoff: { baseMs: 1_000, capMs: 60_000 },
        shutdown: new AbortController().signal,
      });
      expect((await queue.get(job!.id))?.state).toBe('completed');
      return job!.id;
    }

    /**
     * Items 1 and 3 go through, the first create sent failing twice with a 503 before it does; item
     * 2 has no name and is parked.
     */
    async function flowWithTrouble() {
      h = await createEngineHarness(dialect);
      h.loopback.put(sampleItem(1));
      // The default mapping requires a name.
      h.loopback.put(sampleItem(2, { name: '' }));
      h.loopback.put(sampleItem(3));
      h.loopback.faults.create503 = 2;
    }

    it('carries the run, flow and pair on every line, and the record on its dead letter and retries', async () => {
      await flowWithTrouble();
      const from = h.logLines.length;
      const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
      expect(result.counts).toMatchObject({ created: 2, deadLettered: 1 });

      const lines = linesSince(h.logLines, from);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines)
        expect(line).toMatchObject({ runId: result.runId, flowId: 'items', pairId: 'p1' });
      for (const raw of h.logLines.slice(from)) expect(keyCount(raw, 'runId')).toBe(1);

      const letter = await h.store.db.selectFrom('dead_letters').selectAll().executeTakeFirstOrThrow();
      const parked = lines.filter((l) => l.deadLetter === letter.id);
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ level: 'warn', recordId: letter.record_id, record: 'I00002' });

      // Each failed attempt of a record's create is said at debug, naming that record.
      const retries = lines.filter((l) => l.msg === 'Write failed; trying again');
      expect(retries.length).toBe(2);
      const records = await h.store.db.selectFrom('records').select(['id', 'source_id']).execute();
      const recordIds = new Set(records.map((r) => r.id));
      for (const retry of retries) {
        expect(retry).toMatchObject({ level: 'debug', kind: 'transient' });
        expect(recordIds.has(retry.recordId)).toBe(true);
        expect(records.find((r) => r.id === retry.recordId)?.source_id).toBe(retry.record);
      }
      expect(lines.find((l) => l.msg === 'run finished')).toMatchObject({ state: 'partial' });
    });

    it('names the job a run comes from once, and a replay by its own run', async () => {
      await flowWithTrouble();
      const from = h.logLines.length;
      const jobId = await runOneJob(flowRunJob, { flowId: h.flowId, trigger: 'manual' });
      const run = await h.store.db.selectFrom('runs').select('id').executeTakeFirstOrThrow();
      const lines = linesSince(h.logLines, from);
      // The run's lines, and the queue's own line that the job completed.
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['run finished', 'Job completed']));
      for (const line of lines) expect(line).toMatchObject({ jobId, jobName: flowRunJob });
      for (const line of lines.filter((l) => l.msg !== 'Job completed'))
        expect(line).toMatchObject({ runId: run.id, flowId: 'items', pairId: 'p1' });
      for (const raw of h.logLines.slice(from)) expect(keyCount(raw, 'jobId')).toBe(1);

      // The replay fails again (the item still has no name): its lines carry the replay's run.
      const replayFrom = h.logLines.length;
      const outcome = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'as-was' });
      expect(outcome).toMatchObject({ matched: 1, failed: 1 });
      const replayRun = outcome.runs[0]!.runId;
      const replayLines = linesSince(h.logLines, replayFrom);
      expect(replayLines.map((l) => l.msg)).toContain('run finished');
      for (const line of replayLines)
        expect(line).toMatchObject({ runId: replayRun, flowId: 'items', pairId: 'p1', replay: true });
      const letter = await h.store.db.selectFrom('dead_letters').selectAll().executeTakeFirstOrThrow();
      const again = replayLines.find((l) => l.deadLetter === letter.id);
      expect(again).toMatchObject({ level: 'warn', record: 'I00002' });
      const record = await h.store.db
        .selectFrom('records')
        .select('id')
        .where('run_id', '=', replayRun)
        .executeTakeFirstOrThrow();
      expect(again.recordId).toBe(record.id);
    });

    it('names the automatic retry job and its replay run on the lines of the retry', async () => {
      h = await createEngineHarness(dialect);
      h.loopback.put(sampleItem(1));
      // Every attempt of the create fails: a transient dead letter, which the job retries later.
      h.loopback.faults.create503 = h.deps.retry.maxAttempts;
      const first = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
      expect(first.counts).toMatchObject({ deadLettered: 1 });
      h.clock.advance(60 * 60_000);

      const from = h.logLines.length;
      const jobId = await runOneJob(autoRetryJob, { flowId: h.flowId });
      const replayRun = await h.store.db
        .selectFrom('runs')
        .select('id')
        .where('trigger', '=', 'replay')
        .executeTakeFirstOrThrow();
      const record = await h.store.db
        .selectFrom('records')
        .select('id')
        .where('run_id', '=', replayRun.id)
        .executeTakeFirstOrThrow();
      const lines = linesSince(h.logLines, from);
      for (const line of lines) expect(line).toMatchObject({ jobId, jobName: autoRetryJob });
      for (const raw of h.logLines.slice(from)) expect(keyCount(raw, 'jobId')).toBe(1);
      expect(lines.find((l) => l.msg === 'run finished')).toMatchObject({
        runId: replayRun.id,
        flowId: 'items',
        pairId: 'p1',
        replay: true,
        state: 'succeeded',
      });
      expect(lines.find((l) => l.msg === 'dead letter retried automatically')).toMatchObject({
        runId: replayRun.id,
        flowId: 'items',
        pairId: 'p1',
        recordId: record.id,
      });
    });
  });

  describe('between the Exact and Asperion sandboxes', () => {
    let pair: Pair;
    afterEach(async () => pair?.close());

    const id = (group: string, n: number) => `${group}000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const address = { AddressLine1: 'Dorpsstraat 1', Postcode: '1234 AB', City: 'Utrecht', Status: 'C' };

    it("carries the run's ids on the connectors' lines too, and the record on a retried call", async () => {
      pair = await startPair(dialect);
      await pair.setSettings({ orderType: 'salesOrder' });
      const [item] = await pair.exact('bulk/Logistics/Items', { $select: 'ID', $top: '1' });
      const customer = id('1a', 1);
      const [cents, fraction] = [id('1f', 1), id('1f', 2)];
      const order = (invoiceId: string, NetPrice: number) => ({
        InvoiceID: invoiceId,
        Journal: '70',
        OrderedBy: customer,
        SalesInvoiceLines: [{ Item: item.ID, Quantity: 3, UnitPrice: NetPrice, NetPrice, VATCode: 'VH' }],
      });
      await pair.addExact({
        'crm/Accounts': [
          { ID: customer, Name: 'Jan de Vries', Email: 'jan@example.nl', Country: 'NL', ...address },
        ],
        // A unit price with more decimals than cents is refused: that order is dead-lettered.
        'salesinvoice/SalesInvoices': [order(cents, 0.5), order(fraction, 0.3333)],
      });
      // Asperion answers some calls about orders with a 503, the same ones for the same seed: with
      // seed 7 the good order's create fails (the engine tries it again) and so does the first
      // look-up for it that comes before (the Asperion client tries that again).
      const faults = { errorRate: 0.5, errorStatus: 503, pathPrefix: '/v1/salesorder', seed: 7 };
      await pair.asperion.call('PUT', '/__sandbox/settings', { body: { faults } });

      const logLines = pair.fx.h.logLines;
      const from = logLines.length;
      const result = await pair.run();
      expect(result.counts).toMatchObject({ read: 2, created: 1, deadLettered: 1 });
      await pair.asperion.call('PUT', '/__sandbox/settings', { body: { faults: { errorRate: 0 } } });
      expect(byRef(await pair.list('SalesOrderWithLines'), cents)).toBeDefined();

      const lines = linesSince(logLines, from);
      for (const line of lines)
        expect(line).toMatchObject({ runId: result.runId, flowId: 'orders', pairId: 'p1' });
      const retried = lines.filter((l) => l.msg === 'Asperion call retried');
      expect(retried.length).toBeGreaterThan(0);
      const records = await pair.fx.h.store.db.selectFrom('records').select(['id', 'source_id']).execute();
      const created = records.find((r) => r.source_id === cents)!;
      for (const line of retried)
        expect(line).toMatchObject({
          connection: 'asperion',
          status: 503,
          recordId: created.id,
          record: cents,
        });
      expect(lines.filter((l) => l.msg === 'Write failed; trying again')).toEqual([
        expect.objectContaining({ recordId: created.id, record: cents, kind: 'transient' }),
      ]);
      const letter = await pair.fx.h.store.db
        .selectFrom('dead_letters')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(lines.find((l) => l.deadLetter === letter.id)).toMatchObject({
        level: 'warn',
        recordId: letter.record_id,
        record: fraction,
      });
    });
  });
});
