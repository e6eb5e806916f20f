import { afterEach, describe, expect, it } from 'vitest';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { testDialects } from '../testing/databases.js';
import { readCursor } from '../store/repos/cursors.js';
import { runFlow } from './run-flow.js';

describe.each(testDialects)('retries by error kind on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('retries transient failures with capped exponential backoff and succeeds', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    h.loopback.faults.create503 = 3;
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ created: 1, deadLettered: 0 });
    expect(h.loopback.target.size).toBe(1);
    const record = await h.store.db.selectFrom('records').selectAll().executeTakeFirstOrThrow();
    expect(record.attempts).toBe(4);
    // Three waits, each within [base·2^(n-1)/2, base·2^(n-1)] for base 500 ms.
    expect(h.clock.sleeps).toHaveLength(3);
    h.clock.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((500 * 2 ** i) / 2);
      expect(ms).toBeLessThanOrEqual(500 * 2 ** i);
    });
  });

  it('looks a create up by its natural key after an unknown outcome, and never creates it twice', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    h.loopback.faults.createStoredThen500 = 2;
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ created: 3, deadLettered: 0 });
    expect(h.loopback.target.size).toBe(3);
    expect(h.loopback.calls.lookups).toBe(2);
    const references = [...h.loopback.target.values()].map((t) => t.reference).sort();
    expect(references).toEqual(['koppel:items:I00001', 'koppel:items:I00002', 'koppel:items:I00003']);
    const wal = await h.store.db.selectFrom('write_ahead').select('state').execute();
    expect(wal.map((w) => w.state)).toEqual(['confirmed', 'confirmed', 'confirmed']);
  });

  it('honours Retry-After on a 429 and goes on', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    h.loopback.faults.rateLimited = { count: 1, retryAfterSeconds: 7 };
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ created: 1 });
    expect(h.clock.sleeps[0]).toBeGreaterThanOrEqual(7000);
    expect(h.loopback.calls.lookups).toBe(0);
  });

  it('ends the run without moving the cursor when a rate limit is too long to wait out, then resumes', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 5; n++) h.loopback.put(sampleItem(n));
    h.loopback.faults.rateLimited = { count: 1, retryAfterSeconds: 3600 };
    const first = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(first.state).toBe('failed');
    expect(first.error?.kind).toBe('rate_limited');
    expect(first.error?.retryAfterMs).toBe(3_600_000);
    expect(await readCursor(h.store.db, h.flowId)).toBeNull();
    expect(await h.store.db.selectFrom('dead_letters').selectAll().execute()).toHaveLength(0);

    const second = await runFlow(h.deps, { flowId: h.flowId, trigger: 'schedule' });
    expect(second.state).toBe('succeeded');
    expect(h.loopback.target.size).toBe(5);
    expect(await readCursor(h.store.db, h.flowId)).toBe('5');
  });

  it('sends invalid records straight to the dead letters and lets the rest through', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 4; n++) h.loopback.put(sampleItem(n, n === 2 ? { name: 'Forbidden' } : {}));
    h.loopback.faults.rejectName = 'Forbidden';
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.state).toBe('partial');
    expect(result.counts).toMatchObject({ created: 3, deadLettered: 1 });
    const [dl] = await h.store.db.selectFrom('dead_letters').selectAll().execute();
    expect(dl).toMatchObject({
      source_id: 'I00002',
      error_kind: 'invalid',
      error_code: 'loopback.http_422',
      state: 'open',
    });
    expect(dl!.error_message).toContain('POST /target/items answered 422');
    const rec = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('source_id', '=', 'I00002')
      .executeTakeFirstOrThrow();
    expect(rec.attempts).toBe(1);
    expect(rec.state).toBe('dead_lettered');
    expect(await readCursor(h.store.db, h.flowId)).toBe('4');
    // The write-ahead row of the refused create is settled: nothing was created.
    const wal = await h.store.db
      .selectFrom('write_ahead')
      .selectAll()
      .where('source_id', '=', 'I00002')
      .executeTakeFirstOrThrow();
    expect(wal.state).toBe('abandoned');
  });

  it('pauses the connection and raises an alert when the authorization is lost', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    h.loopback.faults.unauthorized = true;
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.state).toBe('failed');
    expect(result.error?.kind).toBe('auth');
    const tgt = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'tgt')
      .executeTakeFirstOrThrow();
    expect(tgt.status).toBe('paused');
    const src = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'src')
      .executeTakeFirstOrThrow();
    expect(src.status).toBe('active');
    const [event] = await h.store.db.selectFrom('events').selectAll().execute();
    expect(event).toMatchObject({
      type: 'connection.paused',
      connection_id: 'tgt',
      severity: 'error',
      flow_id: 'items',
    });
    expect(await h.store.db.selectFrom('dead_letters').selectAll().execute()).toHaveLength(0);
    expect(tgt.paused_reason).toBe(
      'POST /target/items answered 401: invalid_token; authorize again with `koppel connect tgt` or POST /api/connections/tgt/authorize',
    );
    // No further calls while paused: a run started anyway ends at once and says why.
    const calls = h.loopback.requests.length;
    const refused = await runFlow(h.deps, { flowId: h.flowId, trigger: 'schedule' });
    expect(refused).toMatchObject({
      state: 'failed',
      error: { code: 'connection.not_ready', kind: 'conflict' },
    });
    expect(refused.error?.message).toBe(
      `Flow items cannot run: connection tgt is paused: ${tgt.paused_reason}`,
    );
    expect(h.loopback.requests.length).toBe(calls);
    const run = await h.store.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', refused.runId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ state: 'failed', error_code: 'connection.not_ready' });
  });

  it('stops the run when the target keeps failing, instead of parking every record', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 20; n++) h.loopback.put(sampleItem(n));
    h.loopback.faults.create503 = 1_000;
    h.deps.writeConcurrency = 1;
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.state).toBe('failed');
    expect(result.error?.kind).toBe('transient');
    expect(await h.store.db.selectFrom('dead_letters').selectAll().execute()).toHaveLength(0);
    expect(await readCursor(h.store.db, h.flowId)).toBeNull();
    h.loopback.faults.create503 = 0;
    const again = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(again.state).toBe('succeeded');
    expect(h.loopback.target.size).toBe(20);
  });

  it('fails the run, moving nothing, when the source cannot be read', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    h.loopback.faults.sourceDown = true;
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('loopback.http_503');
    const [event] = await h.store.db.selectFrom('events').selectAll().execute();
    expect(event).toMatchObject({ type: 'run.failed', severity: 'warning' });
  });
});
