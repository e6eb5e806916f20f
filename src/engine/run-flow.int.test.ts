import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { testDialects } from '../testing/databases.js';
import { readCursor } from '../store/repos/cursors.js';
import { runFlow } from './run-flow.js';
import type { FlowKind, FlowRegistry, SourcePage } from './types.js';

/**
 * A flow kind whose source serves its pages from memory and whose target answers at once: on
 * SQLite nothing in its run waits on I/O, which is when a run could hold the event loop throughout.
 */
const inMemoryKind: FlowKind = {
  kind: 'in-memory',
  title: 'In memory',
  sourceApp: 'loopback',
  targetApp: 'loopback',
  entity: 'Record',
  settingsSchema: z.record(z.string(), z.unknown()),
  defaultMapping: { fields: { name: { source: 'name', required: true } } },
  open: () => ({
    async *read(): AsyncIterable<SourcePage> {
      for (let page = 0; page < 5; page++) {
        const records = Array.from({ length: 10 }, (_, i) => ({
          id: `M${page * 10 + i}`,
          name: `Record ${i}`,
        }));
        yield { records, cursor: String((page + 1) * 10) };
      }
    },
    sourceId: (r) => String(r.id),
    naturalKey: (r) => `koppel:memory:${String(r.id)}`,
    withNaturalKey: (p, key) => ({ ...p, reference: key }),
    target: {
      create: (_p, key) => Promise.resolve({ targetId: `T-${key}` }),
      update: (id) => Promise.resolve({ targetId: id }),
      findByNaturalKey: () => Promise.resolve(null),
    },
  }),
};

describe.each(testDialects)('a flow run on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('creates every source record in the target once, with its natural key, links and a cursor', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { pageSize: 7 } });
    for (let n = 1; n <= 30; n++) h.loopback.put(sampleItem(n));

    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });

    expect(result.state).toBe('succeeded');
    expect(result.counts).toMatchObject({ read: 30, created: 30, updated: 0, unchanged: 0, deadLettered: 0 });
    expect(h.loopback.target.size).toBe(30);
    const t = [...h.loopback.target.values()].find((x) => x.reference === 'koppel:items:I00007');
    expect(t).toMatchObject({
      name: 'Item 7',
      price: '7.07',
      group: 'Group B',
      description: 'Description of item 7',
    });
    const links = await h.store.db.selectFrom('links').selectAll().execute();
    expect(links).toHaveLength(30);
    expect(await readCursor(h.store.db, h.flowId)).toBe('30');
    // API calls per connection: 5 source pages (7,7,7,7,2) and 30 creates.
    expect(result.apiCalls).toEqual({ src: 5, tgt: 30 });
    const run = await h.store.db
      .selectFrom('runs')
      .selectAll()
      .where('id', '=', result.runId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(run.api_calls)).toEqual({ src: 5, tgt: 30 });
    expect(run.started_at).not.toBeNull();
    expect(run.finished_at).not.toBeNull();
  });

  it('costs no target call for records whose mapped content did not change', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 10; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const before = { ...h.loopback.calls };

    // Re-read everything (as after a cursor reset) and touch a field the mapping does not use.
    await h.store.db.deleteFrom('cursors').execute();
    h.loopback.put(sampleItem(3, { unmappedField: 'changed' }));
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });

    expect(result.counts).toMatchObject({ read: 10, unchanged: 10, created: 0, updated: 0 });
    expect(h.loopback.calls.creates - before.creates).toBe(0);
    expect(h.loopback.calls.updates - before.updates).toBe(0);
    expect(h.loopback.target.size).toBe(10);
  });

  it('updates a changed record without overwriting fields whose switch is off', async () => {
    h = await createEngineHarness(dialect);
    h.loopback.put(sampleItem(1));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const [target] = [...h.loopback.target.values()];
    // Someone enriches the description in the target; then the source changes name and description.
    h.loopback.target.set(target!.id, { ...target!, description: 'Enriched by hand' });
    h.loopback.put(sampleItem(1, { name: 'Item one, renamed', description: 'New source description' }));

    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });

    expect(result.counts).toMatchObject({ read: 1, updated: 1 });
    const after = h.loopback.target.get(target!.id);
    expect(after).toMatchObject({ name: 'Item one, renamed', description: 'Enriched by hand' });
    expect(h.loopback.target.size).toBe(1);
    const record = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('run_id', '=', result.runId)
      .executeTakeFirstOrThrow();
    expect(record.state).toBe('updated');
    expect(JSON.parse(record.diff!)).toEqual([
      { path: 'name', before: 'Item 1', after: 'Item one, renamed' },
    ]);
    expect(JSON.parse(record.timeline).map((s: { step: string }) => s.step)).toEqual([
      'received',
      'mapped',
      'writing',
      'requested',
      'responded',
      'updated',
    ]);
    expect(JSON.parse(record.snapshot!)).toMatchObject({ id: 'I00001', name: 'Item one, renamed' });
    expect(JSON.parse(record.payload!)).toMatchObject({
      name: 'Item one, renamed',
      reference: 'koppel:items:I00001',
    });
    expect(JSON.parse(record.request!)).toEqual({ method: 'PUT', url: '/target/items/{id}', status: 200 });
    expect(JSON.parse(record.response!)).toMatchObject({ id: target!.id });
  });

  it('skips filtered records with the reason, and moves on', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { skipInactive: true } });
    h.loopback.put(sampleItem(1));
    h.loopback.put(sampleItem(2, { active: false }));
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ read: 2, created: 1, skipped: 1 });
    const skipped = await h.store.db
      .selectFrom('records')
      .selectAll()
      .where('state', '=', 'skipped')
      .executeTakeFirstOrThrow();
    expect(skipped.source_id).toBe('I00002');
    expect(skipped.timeline).toContain('inactive');
  });

  it('turns the event loop between pages even when no page waits on I/O', async () => {
    h = await createEngineHarness(dialect);
    const registry: FlowRegistry = {
      kinds: new Map([...h.deps.registry.kinds, [inMemoryKind.kind, inMemoryKind]]),
      apps: h.deps.registry.apps,
    };
    await h.store.db
      .updateTable('flows')
      .set({ kind: inMemoryKind.kind })
      .where('id', '=', h.flowId)
      .execute();
    // Counts turns of the event loop; a run held as one task would let it count none until it ended.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const seen: number[] = [];
    try {
      const result = await runFlow(
        { ...h.deps, registry },
        { flowId: h.flowId, trigger: 'manual', onProgress: () => seen.push(turns) },
      );
      expect(result.counts).toMatchObject({ read: 50, created: 50 });
    } finally {
      counting = false;
    }
    expect(seen).toHaveLength(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });

  it('handles a record that appears twice in one page once, with its latest content', async () => {
    h = await createEngineHarness(dialect);
    const first = sampleItem(1);
    h.loopback.source.push({ ...first, seq: 1 }, { ...first, name: 'Latest', seq: 2 });
    const result = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    expect(result.counts).toMatchObject({ read: 1, created: 1 });
    expect([...h.loopback.target.values()].map((t) => t.name)).toEqual(['Latest']);
  });
});
