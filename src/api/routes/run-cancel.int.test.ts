import { afterEach, describe, expect, it } from 'vitest';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { eventually, runThroughApi } from '../../testing/api-waits.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';
import { loopbackRegistry } from '../../testing/loopback-flow.js';
import { runKoppel } from '../../testing/run-koppel.js';

const items = 40;

describe.each(testDialects)('cancelling a run (%s)', (dialect) => {
  let f: TwoPairs;
  afterEach(async () => {
    await f?.close();
  });

  /** A slow run of `items` items, pages of 5, each create 150 ms: seconds long. Its id once a page is stored. */
  async function startSlowRun(operator: ApiClient): Promise<{ runId: string; jobId: string }> {
    for (let n = 1; n <= items; n++) f.loopback.put(sampleItem(n));
    f.loopback.faults.createDelayMs = 150;
    const { jobId } = (await operator.post('/api/flows/items/runs')).body;
    // Cancelled mid-run: after its first page is stored, long before its last.
    await eventually(async () => ((await operator.get('/api/flows/items')).body.cursor ? true : undefined));
    const runId = (await operator.get(`/api/jobs/${jobId}`)).body.runIds[0] as string;
    return { runId, jobId };
  }

  /** What the target holds of flow `items`, by natural key. */
  const targetKeys = () =>
    [...f.loopback.target.values()].map((t) => t.reference).filter((r) => r.startsWith('koppel:items:'));

  async function expectCancelled(operator: ApiClient, runId: string, jobId: string) {
    const run = await eventually(async () => {
      const r = (await operator.get(`/api/runs/${runId}`)).body;
      // The run ends first, then its job is marked: on a busy machine a read can fall between them.
      return r.state === 'running' || r.job?.state === 'running' ? undefined : r;
    });
    expect(run).toMatchObject({
      state: 'cancelled',
      error: { code: 'queue.cancelled' },
      job: { id: jobId, state: 'cancelled', attempts: 1, runIds: [runId] },
    });
    expect(run.counts.created).toBeLessThan(items);
    // Never retried: the job stays cancelled, no second run starts.
    await new Promise((r) => setTimeout(r, 500));
    expect((await operator.get(`/api/jobs/${jobId}`)).body).toMatchObject({
      state: 'cancelled',
      runIds: [runId],
    });
    return run;
  }

  /**
   * The cursor stands where what is stored ends: every item up to it is linked (nothing lost), and
   * the target has no item twice. A create under way when the run stopped may be in the target
   * without a link yet; its write-ahead row is still pending for the next run to settle.
   */
  async function expectConsistent() {
    const { db } = f.h.app.store;
    const cursor = Number(
      (
        await db
          .selectFrom('cursors')
          .select('value')
          .where('flow_id', '=', 'items')
          .executeTakeFirstOrThrow()
      ).value,
    );
    const links = await db.selectFrom('links').select('source_id').where('flow_id', '=', 'items').execute();
    const linked = new Set(links.map((l) => l.source_id));
    for (const item of f.loopback.source.filter((s) => s.seq <= cursor))
      expect(linked.has(item.id), item.id).toBe(true);
    expect(cursor).toBeLessThan(items);
    const keys = targetKeys();
    expect(new Set(keys).size).toBe(keys.length);
    const pending = await db
      .selectFrom('write_ahead')
      .select('source_id')
      .where('flow_id', '=', 'items')
      .where('state', '=', 'pending')
      .execute();
    for (const key of keys) {
      const id = key.slice('koppel:items:'.length);
      expect(linked.has(id) || pending.some((p) => p.source_id === id), id).toBe(true);
    }
  }

  /** The next run finishes the job: every item in the target exactly once, every one linked. */
  async function expectResumed(operator: ApiClient) {
    f.loopback.faults.createDelayMs = 0;
    const next = await runThroughApi(operator, 'items');
    expect(next.state).toBe('succeeded');
    const keys = targetKeys();
    expect(keys).toHaveLength(items);
    expect(new Set(keys).size).toBe(items);
    const { db } = f.h.app.store;
    const links = await db.selectFrom('links').select('source_id').where('flow_id', '=', 'items').execute();
    expect(links).toHaveLength(items);
    expect(await db.selectFrom('write_ahead').select('id').where('state', '=', 'pending').execute()).toEqual(
      [],
    );
  }

  it('stops a running run at its next heartbeat through the API, keeping what it stored, and the next run finishes without a duplicate', async () => {
    f = await startTwoPairs(dialect, { flowSettings: { pageSize: 5 } });
    const operator = await f.h.signedIn('operator');
    const viewer = await f.h.withToken('viewer');
    const { runId, jobId } = await startSlowRun(operator);
    expect((await viewer.post(`/api/runs/${runId}/cancel`)).status).toBe(403);
    const cancel = await operator.post(`/api/runs/${runId}/cancel`);
    expect(cancel).toMatchObject({ status: 202, body: { runId, jobId, outcome: 'requested' } });
    await expectCancelled(operator, runId, jobId);
    await expectConsistent();
    const [audit] = await f.h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'run.cancel')
      .execute();
    expect(audit).toMatchObject({ target_id: runId, pair_id: 'p1' });
    await expectResumed(operator);
  });

  it('stops a running run from the shell with koppel runs cancel', async () => {
    f = await startTwoPairs(dialect, { flowSettings: { pageSize: 5 } });
    const operator = await f.h.signedIn('operator');
    const { runId, jobId } = await startSlowRun(operator);
    const koppel = (...args: string[]) => runKoppel(f.h, args, { registry: loopbackRegistry });
    const cancelled = await koppel('runs', 'cancel', runId);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toContain(`Run ${runId}: cancel requested`);
    await expectCancelled(operator, runId, jobId);
    await expectConsistent();
    const again = await koppel('runs', 'cancel', runId);
    expect(again.code).toBe(4);
    expect(again.err).toContain('has already ended (cancelled)');
    expect((await koppel('runs', '--state', 'cancelled')).out).toContain(runId);
    await expectResumed(operator);
  });
});
