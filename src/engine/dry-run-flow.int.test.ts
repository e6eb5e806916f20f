import { afterEach, describe, expect, it } from 'vitest';
import { databaseAsText, testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { insertWriteAhead } from '../store/repos/write-ahead.js';
import { checkedRegistry } from '../testing/checked-flow.js';
import { dryRunFlow, type DryRunResult } from './dry-run-flow.js';
import { runFlow } from './run-flow.js';

const stateOf = {
  create: 'created',
  update: 'updated',
  unchanged: 'unchanged',
  skip: 'skipped',
  fail: 'dead_lettered',
};

describe.each(testDialects)('a dry run on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  async function everything(): Promise<{ db: string; target: string; calls: string }> {
    return {
      db: await databaseAsText(h.tdb, h.store),
      target: JSON.stringify([...h.loopback.target.entries()]),
      calls: JSON.stringify({ creates: h.loopback.calls.creates, updates: h.loopback.calls.updates }),
    };
  }

  /** Runs for real after the dry run and checks each record ends as the dry run said. */
  async function expectRealRunToAgree(dry: DryRunResult): Promise<void> {
    const real = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const rows = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('run_id', '=', real.runId)
      .where('timeline', 'not like', '%recovered%')
      .execute();
    const actual = Object.fromEntries(rows.map((r) => [r.source_id, r.state]));
    const expected = Object.fromEntries(dry.records.map((r) => [r.sourceId, stateOf[r.decision]]));
    expect(actual).toEqual(expected);
    for (const r of dry.records.filter((x) => x.decision === 'update')) {
      const row = rows.find((x) => x.source_id === r.sourceId)!;
      expect(JSON.parse(row.diff!)).toEqual(r.changes);
    }
  }

  it('decides create, update, unchanged, skip and fail per record, writing nothing anywhere', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { skipInactive: true, pageSize: 3 } });
    for (let n = 1; n <= 6; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    h.loopback.put(sampleItem(2, { name: 'Item two', iban: 'NL99ABNA0000000002' }));
    h.loopback.put(sampleItem(3, { unmappedField: 'changed' }));
    h.loopback.put(sampleItem(5, { active: false }));
    h.loopback.put(sampleItem(7));
    h.loopback.put(sampleItem(8, { name: '' }));
    await h.setInstallationSetting('redaction', ['iban']);
    const before = await everything();

    const dry = await dryRunFlow(h.deps, { flowId: h.flowId });

    expect(await everything()).toEqual(before);
    expect(dry.cursor).toBe('6');
    expect(dry.counts).toEqual({ read: 5, create: 1, update: 1, unchanged: 1, skip: 1, fail: 1 });
    const by = Object.fromEntries(dry.records.map((r) => [r.sourceId, r]));
    expect(by.I00002).toMatchObject({ decision: 'update', targetId: 'T2' });
    expect(by.I00002!.changes).toEqual([
      { path: 'name', before: 'Item 2', after: 'Item two' },
      { path: 'iban', before: '[redacted]', after: '[redacted]' },
    ]);
    expect(by.I00003).toMatchObject({ decision: 'unchanged', targetId: 'T3', changes: [] });
    expect(by.I00005).toMatchObject({ decision: 'skip', reason: 'inactive' });
    expect(by.I00007!.decision).toBe('create');
    expect(by.I00007!.reason).toContain('no target record has natural key koppel:items:I00007');
    expect(by.I00007!.changes).toContainEqual({ path: 'name', before: null, after: 'Item 7' });
    expect(by.I00008).toMatchObject({ decision: 'fail', error: { code: 'mapping.required_missing' } });

    await expectRealRunToAgree(dry);
  });

  it('looks up unsettled creates and natural keys in the target as recovery and a run would', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(9));
    h.loopback.put(sampleItem(10));
    // A create of item 9 that happened but was never confirmed, and an item 10 made by hand.
    await insertWriteAhead(h.store.db, h.store.caps, [
      {
        id: 'wal_1',
        pair_id: 'p1',
        flow_id: h.flowId,
        entity: 'Item',
        source_id: 'I00009',
        natural_key: 'koppel:items:I00009',
        content_hash: 'an older hash',
        state: 'pending',
        target_id: null,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
    h.loopback.target.set('T90', { id: 'T90', reference: 'koppel:items:I00009', name: 'Old name' });
    h.loopback.target.set('T91', { id: 'T91', reference: 'koppel:items:I00010', name: 'By hand' });
    const before = await everything();

    const dry = await dryRunFlow(h.deps, { flowId: h.flowId });

    expect(await everything()).toEqual(before);
    const by = Object.fromEntries(dry.records.map((r) => [r.sourceId, r]));
    expect(by.I00009).toMatchObject({ decision: 'update', targetId: 'T90' });
    expect(by.I00009!.changes).toContainEqual({ path: 'name', before: 'Old name', after: 'Item 9' });
    expect(by.I00010!.decision).toBe('create');
    expect(by.I00010!.reason).toContain('already has T91');

    await expectRealRunToAgree(dry);
  });

  it('tells resolve it is a dry run, so a reference it would create is only reported', async () => {
    h = await createEngineHarness(dialect);
    h.deps = { ...h.deps, registry: checkedRegistry };
    await h.store.db
      .updateTable('flows')
      .set({ kind: 'loopback-checked-items', settings: JSON.stringify({ groupCodes: { B: 'GB' } }) })
      .execute();
    h.loopback.put(sampleItem(1));
    h.loopback.put(sampleItem(2));
    const before = await everything();

    const dry = await dryRunFlow(h.deps, { flowId: h.flowId });

    expect(await everything()).toEqual(before);
    expect(h.loopback.target.size).toBe(0);
    const by = Object.fromEntries(dry.records.map((r) => [r.sourceId, r]));
    expect(by.I00001!.changes).toContainEqual({ path: 'groupCode', before: null, after: 'GB' });
    expect(by.I00002!.changes).toContainEqual({
      path: 'groupCode',
      before: null,
      after: '(would create group Z)',
    });

    await expectRealRunToAgree(dry);
    const made = [...h.loopback.target.values()].find((t) => t.reference === 'group:Z');
    expect(made).toBeDefined();
    expect([...h.loopback.target.values()].find((t) => t.reference === 'koppel:items:I00002')).toMatchObject({
      groupCode: made!.id,
    });
  });

  it('judges a record read again on a later page against what the dry run would have sent', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { pageSize: 1 } });
    const first = sampleItem(1);
    h.loopback.source.push({ ...first, seq: 1 }, { ...first, name: 'Latest', seq: 2 });
    const before = await everything();

    const dry = await dryRunFlow(h.deps, { flowId: h.flowId });

    expect(await everything()).toEqual(before);
    expect(dry.records.map((r) => [r.sourceId, r.decision])).toEqual([
      ['I00001', 'create'],
      ['I00001', 'update'],
    ]);
    expect(dry.records[1]!.changes).toEqual([{ path: 'name', before: 'Item 1', after: 'Latest' }]);
    const real = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const rows = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('run_id', '=', real.runId)
      .execute();
    expect(rows.map((r) => r.state).sort()).toEqual(['created', 'updated']);
    const updated = rows.find((r) => r.state === 'updated')!;
    expect(JSON.parse(updated.diff!)).toEqual(dry.records[1]!.changes);
  });

  it('reports what would stop a run, and reads no further', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { pageSize: 2 } });
    for (let n = 1; n <= 5; n++) h.loopback.put(sampleItem(n));
    h.loopback.faults.unauthorized = true;
    const before = await everything();

    const dry = await dryRunFlow(h.deps, { flowId: h.flowId });

    expect(dry.stoppedBy?.kind).toBe('auth');
    expect(h.loopback.calls.sourceReads).toBe(1);
    expect(await everything()).toEqual(before);
  });
});
