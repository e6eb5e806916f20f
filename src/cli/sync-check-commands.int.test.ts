import { afterEach, describe, expect, it } from 'vitest';
import { runFlow } from '../engine/run-flow.js';
import { upsertFlow } from '../store/repos/flows.js';
import { checkedRegistry } from '../testing/checked-flow.js';
import { databaseAsText, testDialects } from '../testing/databases.js';
import { createEngineHarness, sampleItem, type EngineHarness } from '../testing/engine-harness.js';
import { runKoppel } from '../testing/run-koppel.js';

describe.each(testDialects)('sync and check commands on %s', (dialect) => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  const koppel = (...args: string[]) => runKoppel(h, args, { registry: checkedRegistry });

  const unchangedSnapshot = async () =>
    JSON.stringify([await databaseAsText(h.tdb, h.store), [...h.loopback.target.entries()]]);

  it('sync --dry-run prints each decision with the changed fields and writes nothing', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.deps, { flowId: h.flowId, trigger: 'manual' });
    h.loopback.put(sampleItem(2, { name: 'Item two' }));
    h.loopback.put(sampleItem(4));
    const before = await unchangedSnapshot();

    const text = await koppel('sync', h.flowId, '--dry-run');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/Dry run of items from cursor 3: nothing is written/);
    expect(text.out).toMatch(/I00002\s+update\s+T2\s+content changed \(linked\)\s+name\n/);
    expect(text.out).toMatch(
      /I00004\s+create\s+no link; no target record has natural key koppel:items:I00004/,
    );
    expect(text.out).toContain('  name: "Item 2" → "Item two"');
    expect(text.out).toContain('Would read 2: create 1, update 1, unchanged 0, skip 0, fail 0.');

    const json = await koppel('sync', h.flowId, '--dry-run', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as {
      dryRun: boolean;
      records: Array<{ sourceId: string; decision: string }>;
    };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.records.map((r) => [r.sourceId, r.decision])).toEqual([
      ['I00002', 'update'],
      ['I00004', 'create'],
    ]);
    expect(await unchangedSnapshot()).toBe(before);

    h.loopback.put(sampleItem(5, { name: '' }));
    const failing = await koppel('sync', h.flowId, '--dry-run');
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(/I00005\s+fail\s+mapping\.required_missing/);
    expect(await koppel('sync', h.flowId, '--max-records', '0', '--dry-run')).toMatchObject({ code: 2 });
  });

  it('sync --once runs one pass, and exits non-zero naming the records that failed', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    const ok = await koppel('sync', h.flowId, '--once');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/succeeded\. read 3, created 3/);
    expect(h.loopback.target.size).toBe(3);

    h.loopback.put(sampleItem(4, { name: '' }));
    h.loopback.put(sampleItem(5));
    const partial = await koppel('sync', h.flowId, '--once');
    expect(partial.code).toBe(1);
    expect(partial.out).toMatch(/partial\. read 2, created 1, .*failed 1/);
    expect(partial.out).toMatch(/Failed records:\n.*\n.*\nI00004\s+rec_\S+\s+mapping\.required_missing/);
    expect(partial.out).toContain(`koppel records ${h.flowId} --failed`);

    const again = await koppel('sync', h.flowId, '--once', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ state: 'succeeded', counts: { read: 0 }, failed: [] });
    expect(await koppel('sync', 'nope', '--once')).toMatchObject({ code: 3 });
  });

  it('refuses to start on a KOPPEL_PURGE_CRON that never fires, saying so', async () => {
    h = await createEngineHarness(dialect);
    const refused = await runKoppel(h, ['flows'], {
      registry: checkedRegistry,
      env: { KOPPEL_PURGE_CRON: '0 0 31 2 *' },
    });
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("KOPPEL_PURGE_CRON: Cron expression '0 0 31 2 *' never fires");
  });

  it('check lists unmapped source values per flow and domain, and says when all is mapped', async () => {
    h = await createEngineHarness(dialect);
    for (let n = 1; n <= 4; n++) h.loopback.put(sampleItem(n));
    const flow = {
      id: 'checked',
      pairId: 'p1',
      kind: 'loopback-checked-items',
      sourceConnectionId: 'src',
      targetConnectionId: 'tgt',
      enabled: true,
      schedule: null,
      priority: 100,
      mappingVersion: null,
    };
    await upsertFlow(h.store.db, { ...flow, settings: { groupCodes: { A: 'GA' } } }, '2026-01-01T00:00:00Z');
    const before = await unchangedSnapshot();

    const missing = await koppel('check', 'p1');
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('Flow checked (loopback-checked-items): 2 without a mapping');
    expect(missing.out).toMatch(/domain\s+value\s+where\s+suggestion\n/);
    expect(missing.out).toMatch(
      /item group\s+B\s+item I00001\s+GA \(the code already in use\)\n\s+Z\s+item I00002\s+GA/,
    );
    expect(missing.out).toContain('Flow items (loopback-items): not checked');
    expect(missing.out).toContain('Pair p1: 2 source value(s) without a mapping.');
    expect(await unchangedSnapshot()).toBe(before);

    await upsertFlow(
      h.store.db,
      { ...flow, settings: { groupCodes: { A: 'GA', B: 'GB', Z: 'GZ' } } },
      '2026-01-01T00:00:00Z',
    );
    const mapped = await koppel('check', 'p1');
    expect(mapped.code).toBe(0);
    expect(mapped.out).toContain('Flow checked (loopback-checked-items): all mapped');
    expect(mapped.out).toContain('Pair p1: all mapped.');

    h.loopback.faults.sourceDown = true;
    const down = await koppel('check', 'p1', '--json');
    expect(down.code).toBe(1);
    expect(JSON.parse(down.out)).toMatchObject({
      flows: [
        { flowId: 'checked', status: 'error', error: { code: 'loopback.http_503' } },
        { flowId: 'items' },
      ],
    });

    const unknown = await koppel('check', 'nope');
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain('No pair "nope"; known pairs: p1');
  });
});
