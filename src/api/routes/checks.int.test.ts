import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { runFlow } from '../../engine/run-flow.js';
import { upsertFlow } from '../../store/repos/flows.js';
import type { Database } from '../../store/schema.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { checkedRegistry } from '../../testing/checked-flow.js';
import { testDialects } from '../../testing/databases.js';
import { harnessSecretKey, sampleItem } from '../../testing/engine-harness.js';
import { startLoopbackApiHarness, type LoopbackApiHarness } from '../../testing/loopback-api-harness.js';

/** What a check or a dry run must leave as it was: every table of configuration and activity. */
const watchedTables = [
  'pairs',
  'connections',
  'flows',
  'mappings',
  'settings',
  'runs',
  'records',
  'links',
  'write_ahead',
  'dead_letters',
  'cursors',
  'events',
  'jobs',
  'audit_log',
] as const satisfies ReadonlyArray<keyof Database>;

describe.each(testDialects)('check and dry run over the API (%s)', (dialect) => {
  let h: LoopbackApiHarness;
  let operator: ApiClient;

  const storeAsText = async () => {
    const dump: Record<string, unknown> = {};
    for (const table of watchedTables)
      dump[table] = await h.app.store.db.selectFrom(table).selectAll().execute();
    return JSON.stringify(dump);
  };
  /** The same command on the same database, as `koppel … --json` prints it. */
  const koppelJson = async (...args: string[]): Promise<unknown> => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    await runCli(['node', 'koppel', ...args], {
      env: { ...h.tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey, KOPPEL_LOG_LEVEL: 'silent' },
      registry: checkedRegistry,
      out,
      err: new PassThrough(),
    });
    return JSON.parse(text) as unknown;
  };

  beforeAll(async () => {
    h = await startLoopbackApiHarness(dialect, {
      registry: checkedRegistry,
      async configure(app) {
        await upsertFlow(
          app.store.db,
          {
            id: 'checked',
            pairId: 'p1',
            kind: 'loopback-checked-items',
            sourceConnectionId: 'src',
            targetConnectionId: 'tgt',
            enabled: true,
            schedule: null,
            priority: 100,
            settings: { groupCodes: { A: 'GA' } },
            mappingVersion: null,
          },
          new Date().toISOString(),
        );
      },
    });
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.app.engine, { flowId: h.flowId, trigger: 'manual' });
    h.loopback.put(sampleItem(2, { name: 'Item two' }));
    h.loopback.put(sampleItem(4));
    operator = await h.signedIn('operator');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('checks a pair as koppel check --json does, writing nothing', async () => {
    const before = await storeAsText();
    const check = await operator.get('/api/pairs/p1/check');
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      pairId: 'p1',
      ok: false,
      flows: [
        {
          flowId: 'checked',
          status: 'checked',
          missing: [
            {
              domain: 'item group',
              value: 'B',
              where: 'item I00001',
              suggestion: 'GA (the code already in use)',
            },
            { domain: 'item group', value: 'Z', where: 'item I00002' },
          ],
        },
        { flowId: 'items', status: 'not_checked' },
      ],
    });
    expect(await storeAsText()).toBe(before);
    expect(await koppelJson('check', 'p1', '--json')).toEqual(check.body);

    h.loopback.faults.sourceDown = true;
    try {
      const down = await operator.get('/api/pairs/p1/check');
      expect(down.body.ok).toBe(false);
      expect(down.body.flows[0]).toMatchObject({ status: 'error', error: { code: 'loopback.http_503' } });
    } finally {
      h.loopback.faults.sourceDown = false;
    }
  });

  it('checks only for operators, and only pairs they may see', async () => {
    const viewer = await h.signedIn('viewer');
    expect((await viewer.get('/api/pairs/p1/check')).status).toBe(403);
    const scoped = await h.signedIn('operator', { pairScope: ['p2'] });
    const hidden = await scoped.get('/api/pairs/p1/check');
    const unknown = await operator.get('/api/pairs/nope/check');
    expect(hidden.status).toBe(404);
    expect(unknown.body.error).toEqual({
      code: 'pair.not_found',
      kind: 'not_found',
      message: 'No pair "nope"',
    });
    expect(hidden.body.error.code).toBe('pair.not_found');
    expect((await scoped.get('/api/pairs/p2/check')).body).toMatchObject({ pairId: 'p2', ok: true });
  });

  it('dry-runs a flow as koppel sync --dry-run --json does, and the store stays exactly as it was', async () => {
    const before = await storeAsText();
    const targetBefore = JSON.stringify([...h.loopback.target]);
    const dry = await operator.post('/api/flows/items/dry-run', {});
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      flowId: 'items',
      cursor: '3',
      truncated: false,
      stoppedBy: null,
      counts: { read: 2, create: 1, update: 1, unchanged: 0, skip: 0, fail: 0 },
    });
    expect(dry.body.records).toEqual([
      expect.objectContaining({
        sourceId: 'I00002',
        label: 'loopback item I00002 "Item two"',
        decision: 'update',
        targetId: 'T2',
        changes: [{ path: 'name', before: 'Item 2', after: 'Item two' }],
      }),
      expect.objectContaining({ sourceId: 'I00004', decision: 'create' }),
    ]);
    expect(await storeAsText()).toBe(before);
    expect(JSON.stringify([...h.loopback.target])).toBe(targetBefore);
    expect(await koppelJson('sync', 'items', '--dry-run', '--json')).toEqual(dry.body);

    const bad = await operator.post('/api/flows/items/dry-run', { maxRecords: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].where).toBe('body.maxRecords');
  });

  it('dry-runs only for operators, and only flows they may see', async () => {
    const viewer = await h.signedIn('viewer');
    expect((await viewer.post('/api/flows/items/dry-run', {})).status).toBe(403);
    const scoped = await h.signedIn('operator', { pairScope: ['p2'] });
    const hidden = await scoped.post('/api/flows/items/dry-run', {});
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('flow.not_found');
    expect((await operator.post('/api/flows/nope/dry-run')).status).toBe(404);
  });
});
