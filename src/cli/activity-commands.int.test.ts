import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFlow } from '../engine/run-flow.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { loopbackItemsKind, loopbackRegistry } from '../testing/loopback-flow.js';
import { runKoppel } from '../testing/run-koppel.js';

describe.each(testDialects)('activity commands on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  const koppel = (...args: string[]) => runKoppel(h, args, { registry: loopbackRegistry });

  it('says per record why it was skipped', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { skipInactive: true } });
    h.loopback.put(sampleItem(1));
    h.loopback.put(sampleItem(2, { active: false }));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const listed = await koppel('records', h.flowId);
    expect(listed.out).toMatch(/I00002\s+loopback item I00002 "Item 2"\s+skipped\s+inactive/);
    expect(listed.out).toMatch(/I00001\s+loopback item I00001 "Item 1"\s+created\s+T1\s+\d/);
  });

  it('finds records by what people know them by, as the API does', async () => {
    h = await createEngineHarness(dialect, { flowSettings: { labels: true } });
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    const found = await koppel('records', h.flowId, '--search', 'BUYER2@example.NL');
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/I00002\s+loopback item I00002 "Item 2"\s+created/);
    expect(found.out).not.toContain('I00001');
    const json = JSON.parse((await koppel('records', h.flowId, '--search', 'item 3', '--json')).out);
    expect(json).toEqual([
      expect.objectContaining({ sourceId: 'I00003', label: 'loopback item I00003 "Item 3"' }),
    ]);
    const none = await koppel('records', h.flowId, '--search', 'nobody@example.nl');
    expect(none.out).toBe(`No records matching "nobody@example.nl" in ${h.flowId}.\n`);
  });

  it('lists runs, shows a run and its records, the failed records, one record timeline, and replays', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 4; n++) h.loopback.put(sampleItem(n, n === 3 ? { name: '' } : {}));
    const run = await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });

    const runs = await koppel('runs');
    expect(runs.code).toBe(0);
    expect(runs.out).toContain(run.runId);
    expect(runs.out).toMatch(/partial\s+4\s+3\s+0\s+0\s+1\s+4/);

    const shown = await koppel('runs', 'show', run.runId);
    expect(shown.out).toContain('state     partial');
    expect(shown.out).toContain('API calls src 1, tgt 3');
    expect(shown.out).toContain('I00003');

    const failed = await koppel('records', h.flowId, '--failed');
    expect(failed.out).toContain('I00003');
    expect(failed.out).toContain('mapping.required_missing');
    expect(failed.out).not.toContain('I00001');
    const dl = await h.store.db.selectFrom('dead_letters').selectAll().executeTakeFirstOrThrow();
    expect(failed.out).toContain(dl.id);

    const created = await h.store.db
      .selectFrom('records')
      .select('id')
      .where('source_id', '=', 'I00001')
      .executeTakeFirstOrThrow();
    const record = await koppel('record', created.id);
    expect(record.out).toMatch(
      /Timeline\n.*received\n.*mapped\n.*writing {2}create\n.*requested {2}POST \/target\/items\n.*responded {2}201\n.*created {2}T\d/,
    );
    expect(record.out).toContain('Source snapshot');
    expect(record.out).toContain('"reference": "koppel:items:I00001"');

    const dry = await koppel('replay', '--flow', h.flowId, '--dry-run');
    expect(dry.out).toContain('1 dead letter(s) would be replayed');
    expect(dry.out).toContain('loopback item I00003');
    const dryJson = await koppel('replay', '--flow', h.flowId, '--dry-run', '--json');
    expect(JSON.parse(dryJson.out)).toEqual([
      expect.objectContaining({
        id: dl.id,
        label: 'loopback item I00003',
        error: expect.objectContaining({ code: 'mapping.required_missing' }),
      }),
    ]);
    expect(dryJson.out).not.toContain('snapshot');
    expect(h.loopback.target.size).toBe(3);

    const noFilter = await koppel('replay');
    expect(noFilter.code).toBe(2);
    expect(noFilter.err).toContain('--all');

    await h.setMapping({
      ...loopbackItemsKind.defaultMapping,
      fields: {
        ...loopbackItemsKind.defaultMapping.fields,
        name: { source: 'name', default: 'Unnamed', required: true },
      },
    });
    const asWas = await koppel('replay', dl.id, '--mode', 'as-was');
    expect(asWas.code).toBe(1);
    expect(asWas.out).toContain('1 dead letter(s) matched: 0 went through, 1 failed again');
    expect(asWas.out).toContain('still failing 1');
    expect(asWas.out + asWas.err).not.toContain('replayed');
    const current = await koppel('replay', dl.id);
    expect(current.code).toBe(0);
    expect(current.out).toContain('1 dead letter(s) matched: 1 went through, 0 failed again');
    expect(current.out).toContain('created 1');
    expect(h.loopback.target.size).toBe(4);

    const purge = await koppel('purge');
    expect(purge.code).toBe(0);
    expect(purge.out).toContain('Purged payloads of 0 records');
  });

  it("previews a flow's current mapping, and an older version, on sample records", async () => {
    h = await createEngineHarness(dialect);
    const samples = path.join(h.tdb.dataDir, 'samples.json');
    writeFileSync(samples, JSON.stringify([sampleItem(1), sampleItem(2, { name: '' })]));
    const byDefault = await koppel(
      'mapping',
      'preview',
      '--flow',
      h.flowId,
      '--samples',
      samples,
      '--id-path',
      'id',
      '--json',
    );
    expect(byDefault.code).toBe(2);
    const preview = JSON.parse(byDefault.out) as {
      results: Array<{ output: Record<string, unknown>; errors: Array<{ field: string }> }>;
    };
    expect(preview.results[0]!.output).toMatchObject({ name: 'Item 1', price: '1.01', group: 'Group B' });
    expect(preview.results[1]!.errors.map((e) => e.field)).toEqual(['name']);

    await h.setMapping({ fields: { title: { expr: '$uppercase(name)' } } });
    const current = await koppel('mapping', 'preview', '--flow', h.flowId, '--samples', samples, '--json');
    expect(current.code).toBe(0);
    expect((JSON.parse(current.out) as { results: Array<{ output: unknown }> }).results[0]!.output).toEqual({
      title: 'ITEM 1',
    });
    const old = await koppel(
      'mapping',
      'preview',
      '--flow',
      h.flowId,
      '--version',
      '0',
      '--samples',
      samples,
      '--json',
    );
    expect(
      (JSON.parse(old.out) as { results: Array<{ output: Record<string, unknown> }> }).results[0]!.output
        .name,
    ).toBe('Item 1');
    // Nothing was written: no runs, no records.
    expect(await h.store.db.selectFrom('records').selectAll().execute()).toHaveLength(0);
  });

  it('says clearly when a run does not exist', async () => {
    h = await createEngineHarness(dialect);
    const missing = await koppel('runs', 'show', 'run_nope');
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('No run "run_nope"');
  });
});
