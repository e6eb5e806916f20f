import { afterEach, describe, expect, it } from 'vitest';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { testDialects } from '../testing/databases.js';
import { loopbackItemsKind } from '../testing/loopback-flow.js';
import { replayDeadLetters } from './replay.js';
import { runFlow } from './run-flow.js';

describe.each(testDialects)('dead letters and replay on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  /** Items 2 and 4 have no name, which the default mapping requires. */
  async function runWithTwoBadRecords() {
    for (let n = 1; n <= 5; n++) h.loopback.put(sampleItem(n, n % 2 === 0 ? { name: '' } : {}));
    return runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
  }

  it('keeps the snapshot, the mapping version and an error naming the field, expression and record', async () => {
    h = await createEngineHarness(dialect);
    const result = await runWithTwoBadRecords();
    expect(result.state).toBe('partial');
    expect(result.counts).toMatchObject({ created: 3, deadLettered: 2 });
    const dls = await h.store.db.selectFrom('dead_letters').selectAll().orderBy('source_id').execute();
    expect(dls.map((d) => d.source_id)).toEqual(['I00002', 'I00004']);
    expect(dls[0]).toMatchObject({ error_kind: 'invalid', mapping_version: 0, state: 'open' });
    expect(dls[0]!.error_message).toContain('I00002');
    expect(dls[0]!.error_message).toContain('"name"');
    // The snapshot is stored encrypted and decrypts to the record as it was read.
    expect(dls[0]!.snapshot).not.toContain('Item');
    expect(JSON.parse(h.deps.box.decrypt(dls[0]!.snapshot))).toMatchObject({
      id: 'I00002',
      name: '',
      price: '2.02',
    });
  });

  it('parks a record whose expression fails at run time, naming field, expression and record, and sends the rest', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n, n === 2 ? { price: 'twelve euro' } : {}));
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ created: 2, deadLettered: 1 });
    const [dl] = await h.store.db.selectFrom('dead_letters').selectAll().execute();
    expect(dl!.source_id).toBe('I00002');
    expect(dl!.error_kind).toBe('invalid');
    expect(dl!.error_message).toContain('I00002');
    expect(dl!.error_message).toContain('"price"');
    expect(dl!.error_message).toContain('$money(price)');
  });

  it('replays as it was (same mapping version) and with the current mapping', async () => {
    h = await createEngineHarness(dialect);
    await runWithTwoBadRecords();
    const fixed = {
      ...loopbackItemsKind.defaultMapping,
      fields: {
        ...loopbackItemsKind.defaultMapping.fields,
        name: { source: 'name', default: 'Unnamed item', required: true },
      },
    };
    const version = await h.setMapping(fixed);
    expect(version).toBe(1);

    const asWas = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'as-was' });
    expect(asWas.matched).toBe(2);
    expect(asWas.runs).toHaveLength(1);
    expect(asWas.runs[0]!.counts).toMatchObject({ read: 2, deadLettered: 2 });
    let dls = await h.store.db.selectFrom('dead_letters').selectAll().execute();
    expect(dls.every((d) => d.state === 'open' && d.replay_count === 1 && d.mapping_version === 0)).toBe(
      true,
    );
    expect(h.loopback.target.size).toBe(3);

    const current = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(current.runs[0]!.counts).toMatchObject({ read: 2, created: 2, deadLettered: 0 });
    dls = await h.store.db.selectFrom('dead_letters').selectAll().execute();
    expect(dls.every((d) => d.state === 'resolved' && d.replay_count === 2)).toBe(true);
    expect([...h.loopback.target.values()].filter((t) => t.name === 'Unnamed item')).toHaveLength(2);
    const runs = await h.store.db.selectFrom('runs').selectAll().where('trigger', '=', 'replay').execute();
    expect(runs).toHaveLength(2);

    // Nothing left to replay; a resolved record is never sent again.
    const again = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(again.matched).toBe(0);
    expect(h.loopback.target.size).toBe(5);
  });

  it('resolves a dead letter once its record goes through in a later run, so a replay cannot send stale data', async () => {
    h = await createEngineHarness(dialect);
    await runWithTwoBadRecords();
    h.loopback.put(sampleItem(2, { name: 'Fixed at the source' }));
    const later = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(later.counts).toMatchObject({ read: 1, created: 1 });
    const dls = await h.store.db
      .selectFrom('dead_letters')
      .select(['source_id', 'state'])
      .orderBy('source_id')
      .execute();
    expect(dls).toEqual([
      { source_id: 'I00002', state: 'resolved' },
      { source_id: 'I00004', state: 'open' },
    ]);
    const replay = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(replay.matched).toBe(1);
    expect([...h.loopback.target.values()].find((t) => t.reference === 'koppel:items:I00002')?.name).toBe(
      'Fixed at the source',
    );
  });

  it('replays only the newest dead letter of a record that failed twice', async () => {
    h = await createEngineHarness(dialect);
    await runWithTwoBadRecords();
    h.loopback.put(sampleItem(2, { name: '', price: '22.22' }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(
      await h.store.db.selectFrom('dead_letters').selectAll().where('source_id', '=', 'I00002').execute(),
    ).toHaveLength(2);
    await h.setMapping({
      ...loopbackItemsKind.defaultMapping,
      fields: {
        ...loopbackItemsKind.defaultMapping.fields,
        name: { source: 'name', default: 'Unnamed item', required: true },
      },
    });
    const creates = h.loopback.calls.creates;
    const replay = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(replay.runs[0]!.counts).toMatchObject({ read: 2, created: 2 });
    expect(h.loopback.calls.creates - creates).toBe(2);
    expect([...h.loopback.target.values()].find((t) => t.reference === 'koppel:items:I00002')?.price).toBe(
      '22.22',
    );
    const states = await h.store.db.selectFrom('dead_letters').select('state').execute();
    expect(states.every((d) => d.state === 'resolved')).toBe(true);
  });

  it('replays by id, by error code and by date range', async () => {
    h = await createEngineHarness(dialect);
    await runWithTwoBadRecords();
    h.loopback.faults.rejectName = 'Item 5';
    h.loopback.put(sampleItem(5, { name: 'Item 5', price: '9.99' }));
    h.loopback.put(sampleItem(6, { name: 'Item 5' }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const dls = await h.store.db.selectFrom('dead_letters').selectAll().orderBy('source_id').execute();
    expect(dls.map((d) => [d.source_id, d.error_code])).toEqual([
      ['I00002', 'mapping.required_missing'],
      ['I00004', 'mapping.required_missing'],
      ['I00006', 'loopback.http_422'],
    ]);
    // I00005 was linked already: its change is an update, which the target accepts.
    delete h.loopback.faults.rejectName;

    const byCode = await replayDeadLetters(h.deps, {
      filter: { errorCode: 'loopback.http_422' },
      mode: 'current',
    });
    expect(byCode.matched).toBe(1);
    expect(byCode.runs[0]!.counts).toMatchObject({ created: 1 });

    const future = new Date(h.clock.now().getTime() + 60_000).toISOString();
    const none = await replayDeadLetters(h.deps, { filter: { from: future }, mode: 'current' });
    expect(none.matched).toBe(0);

    const byId = await replayDeadLetters(h.deps, { filter: { ids: [dls[0]!.id] }, mode: 'current' });
    expect(byId.matched).toBe(1);
    const still = await h.store.db
      .selectFrom('dead_letters')
      .select(['source_id', 'state'])
      .orderBy('source_id')
      .execute();
    expect(still).toEqual([
      { source_id: 'I00002', state: 'open' },
      { source_id: 'I00004', state: 'open' },
      { source_id: 'I00006', state: 'resolved' },
    ]);
  });
  it('settles a create whose outcome was never known before it replays it, so the record is not created twice', async () => {
    h = await createEngineHarness(dialect);
    // One attempt a record: the create is stored, its answer is a 500, and the record is parked.
    h.deps.retry = { ...h.deps.retry, maxAttempts: 1 };
    h.loopback.faults.createStoredThen500 = 1;
    h.loopback.put(sampleItem(1));
    const run = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(run.counts).toMatchObject({ created: 0, deadLettered: 1 });
    expect(h.loopback.target.size).toBe(1);

    const replay = await replayDeadLetters(h.deps, { filter: { flowId: h.flowId }, mode: 'current' });
    expect(replay.runs[0]!.state).toBe('succeeded');
    expect(h.loopback.target.size).toBe(1);
    expect(h.loopback.calls.creates).toBe(1);
    const links = await h.store.db.selectFrom('links').select('target_id').execute();
    expect(links).toEqual([{ target_id: [...h.loopback.target.keys()][0] }]);
    const [dl] = await h.store.db.selectFrom('dead_letters').select('state').execute();
    expect(dl!.state).toBe('resolved');
    const pending = await h.store.db
      .selectFrom('write_ahead')
      .select('id')
      .where('state', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(0);
  });
});
