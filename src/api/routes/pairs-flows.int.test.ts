import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { WorkspaceDocument } from '../../workspace/workspace-schema.js';
import { applyWorkspace } from '../../workspace/apply-workspace.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { startTwoPairs, type TwoPairs } from '../../testing/api-activity-fixture.js';
import { testDialects } from '../../testing/databases.js';
import { loopbackRegistry } from '../../testing/loopback-flow.js';
import { runKoppel } from '../../testing/run-koppel.js';

describe.each(testDialects)('pairs, flow kinds and flows over the API (%s)', (dialect) => {
  let f: TwoPairs;
  let owner: ApiClient;
  let viewer: ApiClient;
  let scopedOwner: ApiClient;
  let scopedViewer: ApiClient;
  beforeAll(async () => {
    f = await startTwoPairs(dialect);
    owner = await f.h.signedIn('owner');
    viewer = await f.h.withToken('viewer');
    scopedOwner = await f.h.signedIn('owner', { pairScope: ['p2'] });
    scopedViewer = await f.h.withToken('viewer', { pairScope: ['p2'] });
  });
  afterAll(async () => {
    await f?.close();
  });

  const audits = (action: string) =>
    f.h.app.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('lists the pairs with their connections and flows, only those in scope, and hides the rest as unknown', async () => {
    const all = await viewer.get('/api/pairs');
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { id: string }) => p.id)).toEqual(['p1', 'p2']);
    expect(all.body.items[0]).toMatchObject({
      id: 'p1',
      name: 'Test pair',
      connections: [
        { id: 'src', app: 'loopback-source', status: 'active', pausedReason: null },
        { id: 'tgt', app: 'loopback-target', status: 'active' },
      ],
      flows: [{ id: 'items', kind: 'loopback-items', enabled: true, lastRunState: null }],
      openDeadLetters: 0,
      lastRun: null,
    });
    const scoped = await scopedViewer.get('/api/pairs');
    expect(scoped.body.items.map((p: { id: string }) => p.id)).toEqual(['p2']);
    const hidden = await scopedViewer.get('/api/pairs/p1');
    const unknown = await scopedViewer.get('/api/pairs/nope');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('pair.not_found');
    expect(unknown.body.error.code).toBe(hidden.body.error.code);
    expect((await scopedViewer.get('/api/pairs/p2')).body.flows[0].id).toBe('items2');
  });

  it('lets an unscoped owner create, rename and delete a pair, and refuses everyone else', async () => {
    const bad = await owner.post('/api/pairs', { id: 'Not A Slug', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.id');
    expect((await viewer.post('/api/pairs', { id: 'p3', name: 'Third' })).status).toBe(403);
    const narrow = await scopedOwner.post('/api/pairs', { id: 'p3', name: 'Third' });
    expect(narrow.status).toBe(403);
    expect(narrow.body.error.code).toBe('auth.scope_too_narrow');

    const created = await owner.post('/api/pairs', { id: 'p3', name: 'Third' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'p3', name: 'Third', connections: [], flows: [] });
    expect((await owner.post('/api/pairs', { id: 'p3', name: 'Again' })).body.error.code).toBe('pair.exists');

    const renamed = await owner.patch('/api/pairs/p3', { name: 'Third pair' });
    expect(renamed.body.name).toBe('Third pair');
    expect((await scopedOwner.patch('/api/pairs/p3', { name: 'Mine' })).status).toBe(404);
    expect((await scopedOwner.patch('/api/pairs/p2', { name: 'Mine' })).body.name).toBe('Mine');
    const [rename] = await audits('pair.update');
    expect(JSON.parse(rename!.details)).toEqual({ name: { from: 'Third', to: 'Third pair' } });

    const busy = await owner.delete('/api/pairs/p1');
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'pair.not_empty', details: { flowId: 'items' } });
    expect((await scopedOwner.delete('/api/pairs/p2')).body.error.code).toBe('auth.scope_too_narrow');
    expect((await owner.delete('/api/pairs/p3')).status).toBe(204);
    expect((await owner.get('/api/pairs/p3')).status).toBe(404);
    expect((await audits('pair.delete')).map((a) => a.target_id)).toEqual(['p3']);
  });

  it('describes each flow kind and app with its settings as JSON Schema and its default mapping', async () => {
    const kinds = await viewer.get('/api/flow-kinds');
    expect(kinds.body.items).toEqual([
      expect.objectContaining({
        name: 'loopback-items',
        direction: 'Loopback source → Loopback target',
        entity: 'Item',
        webhooks: false,
        defaultMapping: expect.objectContaining({
          fields: expect.objectContaining({ name: expect.anything() }),
        }),
      }),
    ]);
    const schema = kinds.body.items[0].settingsSchema;
    expect(schema.properties.pageSize).toMatchObject({ type: 'integer', default: 50 });
    expect(schema.properties.reread.description).toContain('reread');
    const apps = await viewer.get('/api/apps');
    expect(apps.body.items.find((a: { name: string }) => a.name === 'loopback-target')).toMatchObject({
      title: 'Loopback target',
      credentialFields: ['token'],
      settingsSchema: { type: 'object', required: ['baseUrl'] },
      // Not an OAuth app: nothing to register with a provider.
      redirectUri: null,
      endpointChoices: [],
    });
  });

  it('shows a flow with its settings and defaults, and hides another pair’s flow as unknown', async () => {
    const listed = await scopedViewer.get('/api/flows');
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual(['items2']);
    expect((await viewer.get('/api/flows?pair=p1')).body.items.map((x: { id: string }) => x.id)).toEqual([
      'items',
    ]);
    const flow = await viewer.get('/api/flows/items');
    expect(flow.body).toMatchObject({
      id: 'items',
      pairId: 'p1',
      sourceConnectionId: 'src',
      targetConnectionId: 'tgt',
      enabled: true,
      schedule: null,
      settings: { pageSize: 50, skipInactive: false, batchLookup: true, reread: false, labels: true },
      settingsProblem: null,
      mappingVersion: null,
      cursor: null,
      nextRunAt: null,
      waitingFor: null,
      lastRun: null,
      openDeadLetters: 0,
      webhookTopics: [],
    });
    const hidden = await scopedViewer.get('/api/flows/items');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('flow.not_found');
    expect((await scopedViewer.get('/api/flows/nope')).body.error.code).toBe('flow.not_found');
  });

  it('creates a flow only when a workspace file could declare it, naming the field that is wrong', async () => {
    const flow = { id: 'more', pairId: 'p1', kind: 'loopback-items', source: 'src', target: 'tgt' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ settings: { pageSize: 0 } }, 'settings.pageSize'],
      [{ source: 'tgt' }, 'source: connection "tgt" is a connection to loopback-target'],
      [{ target: 'tgt2' }, 'target: no connection "tgt2" in pair "p1"'],
      [{ kind: 'nope' }, 'kind: unknown flow kind "nope"'],
      [{ schedule: '61 * * * *' }, 'body.schedule'],
      [{ schedule: '0 0 31 2 *' }, 'never fires'],
      [{ pairId: 'p9' }, 'pairId: no pair "p9"'],
      [{ id: 'Bad Id' }, 'body.id'],
    ];
    for (const [change, named] of cases) {
      const answer = await owner.post('/api/flows', { ...flow, ...change });
      expect(answer.status, named).toBe(400);
      expect(answer.body.error.message, named).toContain(named);
    }
    // Another pair's id is answered as an unknown one.
    const outside = await scopedOwner.post('/api/flows', { ...flow, id: 'x' });
    const unknown = await scopedOwner.post('/api/flows', { ...flow, id: 'x', pairId: 'p9' });
    expect(outside.body.error.message).toBe(unknown.body.error.message.replace('p9', 'p1'));
    expect((await (await f.h.signedIn('operator')).post('/api/flows', flow)).status).toBe(403);
    expect((await owner.post('/api/flows', { ...flow, id: 'items' })).status).toBe(409);

    const created = await owner.post('/api/flows', { ...flow, settings: { pageSize: 5 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'more',
      enabled: false,
      schedule: null,
      priority: 100,
      settings: { pageSize: 5, skipInactive: false },
    });
    expect((await audits('flow.create')).map((a) => a.target_id)).toContain('more');
  });

  it('changes, enables and disables a flow, answering its settings with defaults, and koppel export round-trips it', async () => {
    const empty = await owner.patch('/api/flows/more', {});
    expect(empty.status).toBe(400);
    const badSettings = await owner.patch('/api/flows/more', { settings: { pageSize: 'ten' } });
    expect(badSettings.body.error.message).toContain('settings.pageSize');
    const never = await owner.patch('/api/flows/more', { schedule: '0 0 31 2 *' });
    expect(never.status).toBe(400);
    expect(never.body.error.message).toContain(
      "Cron expression '0 0 31 2 *' never fires in the next 5 years",
    );
    expect((await viewer.patch('/api/flows/more', { enabled: true })).status).toBe(403);
    expect((await scopedOwner.patch('/api/flows/more', { enabled: true })).status).toBe(404);

    const changed = await owner.patch('/api/flows/more', {
      schedule: '*/5 * * * *',
      priority: 7,
      settings: { pageSize: 10, skipInactive: true },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      schedule: '*/5 * * * *',
      priority: 7,
      settings: { pageSize: 10, skipInactive: true, batchLookup: true },
      nextRunAt: null, // disabled
    });
    const enabled = await owner.post('/api/flows/more/enable');
    expect(enabled.body.enabled).toBe(true);
    const next = Date.parse(enabled.body.nextRunAt);
    expect(next % 300_000).toBe(0);
    expect(next - Date.now()).toBeLessThanOrEqual(300_000);
    const [change] = await audits('flow.update');
    expect(JSON.parse(change!.details)).toMatchObject({
      schedule: { from: null, to: '*/5 * * * *' },
      priority: { from: 100, to: 7 },
    });

    // The same tables as a workspace file: `koppel export` has the change, and applying it changes nothing.
    const out = await runKoppel(f.h, ['export'], { registry: loopbackRegistry });
    expect(out.code).toBe(0);
    const document = parse(out.out) as WorkspaceDocument;
    const exported = document.pairs?.find((p) => p.id === 'p1')?.flows?.find((x) => x.id === 'more');
    expect(exported).toEqual({
      id: 'more',
      kind: 'loopback-items',
      source: 'src',
      target: 'tgt',
      enabled: true,
      schedule: '*/5 * * * *',
      priority: 7,
      settings: { pageSize: 10, skipInactive: true },
    });
    const { app } = f.h;
    const summary = await applyWorkspace({ ...app, env: {} }, document, { dryRun: true });
    expect(summary.changes.flows).toMatchObject({ created: [], updated: [], deleted: [] });
    expect(summary.changes.pairs).toMatchObject({ created: [], updated: [], deleted: [] });

    const disabled = await owner.post('/api/flows/more/disable');
    expect(disabled.body).toMatchObject({ enabled: false, nextRunAt: null });
  });

  it('deletes a flow for an owner who sees its pair', async () => {
    expect((await scopedOwner.delete('/api/flows/more')).status).toBe(404);
    expect((await viewer.delete('/api/flows/more')).status).toBe(403);
    expect((await owner.delete('/api/flows/more')).status).toBe(204);
    expect((await owner.get('/api/flows/more')).status).toBe(404);
    expect((await owner.delete('/api/flows/more')).status).toBe(404);
  });

  it('lists every new route in the OpenAPI document', async () => {
    const doc = (await viewer.get('/api/openapi.json')).body;
    for (const [path, method] of [
      ['/api/pairs', 'post'],
      ['/api/pairs/{id}', 'delete'],
      ['/api/flow-kinds', 'get'],
      ['/api/apps', 'get'],
      ['/api/flows/{id}', 'patch'],
      ['/api/flows/{id}/enable', 'post'],
      ['/api/runs/{id}/cancel', 'post'],
      ['/api/jobs/{id}', 'get'],
      ['/api/records', 'get'],
      ['/api/records/{id}', 'get'],
      ['/api/events/acknowledge', 'post'],
      ['/api/budget', 'get'],
    ])
      expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    expect(doc.components.schemas).toHaveProperty('Record');
    expect(doc.components.schemas).toHaveProperty('Flow');
  });
});
