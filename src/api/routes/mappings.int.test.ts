import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../../engine/run-flow.js';
import type { ApiClient } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { sampleItem } from '../../testing/engine-harness.js';
import { loopbackItemsKind } from '../../testing/loopback-flow.js';
import { startLoopbackApiHarness, type LoopbackApiHarness } from '../../testing/loopback-api-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON as it comes */

const defaults = loopbackItemsKind.defaultMapping;
/** The default mapping with a default name, an upper-case group and no e-mail. */
const edited = {
  fields: {
    ...Object.fromEntries(Object.entries(defaults.fields).filter(([f]) => f !== 'email')),
    name: { source: 'name', default: 'Unnamed', required: true },
    code: { expr: '$uppercase(id)' },
  },
  valueMaps: { groups: { entries: { A: 'Group A', B: 'Group Bee', C: 'Group C' }, fallback: 'Other' } },
};

describe.each(testDialects)('mappings over the API (%s)', (dialect) => {
  let h: LoopbackApiHarness;
  let viewer: ApiClient;
  let owner: ApiClient;

  const versionCount = async () =>
    (await h.app.store.db.selectFrom('mappings').selectAll().where('flow_id', '=', 'items').execute()).length;

  beforeAll(async () => {
    h = await startLoopbackApiHarness(dialect);
    viewer = await h.signedIn('viewer');
    owner = await h.signedIn('owner', { email: 'mapper@koppel.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers the kind's default as version 0 while a flow has no version of its own", async () => {
    const active = await viewer.get('/api/flows/items/mapping');
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({
      flowId: 'items',
      version: 0,
      active: true,
      createdAt: null,
      createdBy: null,
      previousVersion: null,
      diff: null,
    });
    expect(active.body.definition).toEqual(defaults);
    expect((await viewer.get('/api/flows/items/mapping/versions')).body).toEqual({
      items: [],
      activeVersion: 0,
    });
  });

  it('refuses a mapping with problems, naming every one at its place, and changes nothing', async () => {
    const broken = {
      fields: {
        name: { source: 'name', valueMap: 'nowhere' },
        price: { expr: '$money(' },
        empty: {},
        odd: { source: 'x', colour: 'red' },
      },
    };
    const refused = await owner.post('/api/flows/items/mapping', { mapping: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('mapping.invalid_definition');
    expect(refused.body.error.details.errors.map((e: any) => e.path)).toEqual([
      'mapping.fields.empty',
      'mapping.fields.name.valueMap',
      'mapping.fields.odd',
    ]);
    // Once the shape is right, every expression must compile too.
    const noCompile = await owner.post('/api/flows/items/mapping', {
      mapping: { fields: { name: { source: 'name' }, price: { expr: '$money(' }, total: { expr: 'a +' } } },
    });
    expect(noCompile.status).toBe(400);
    expect(noCompile.body.error.details.errors).toEqual([
      { path: 'mapping.fields.price', reason: expect.stringContaining('$money(') },
      { path: 'mapping.fields.total', reason: expect.stringContaining('a +') },
    ]);
    expect((await owner.post('/api/flows/items/mapping', {})).body.error.details.issues[0].where).toBe(
      'body.mapping',
    );
    expect(await versionCount()).toBe(0);
  });

  it('lets only an owner publish, and only on flows of its pairs', async () => {
    const operator = await h.signedIn('operator');
    expect((await viewer.post('/api/flows/items/mapping', { mapping: edited })).status).toBe(403);
    expect((await operator.post('/api/flows/items/mapping', { mapping: edited })).status).toBe(403);
    const scoped = await h.signedIn('owner', { pairScope: ['p2'] });
    const hidden = await scoped.post('/api/flows/items/mapping', { mapping: edited });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('flow.not_found');
    expect((await scoped.get('/api/flows/items/mapping')).status).toBe(404);
    expect((await scoped.get('/api/flows/items/mapping/versions')).status).toBe(404);
    expect((await viewer.get('/api/flows/nope/mapping')).status).toBe(404);
    expect(await versionCount()).toBe(0);
  });

  it('publishes a new active version with its diff, its author and an audit line', async () => {
    const published = await owner.post('/api/flows/items/mapping', { mapping: edited, baseVersion: 0 });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ flowId: 'items', version: 1, previousVersion: 0, created: true });
    expect(published.body.diff.fields.added).toEqual([
      { field: 'code', mapping: { expr: '$uppercase(id)' } },
    ]);
    expect(published.body.diff.fields.removed).toEqual([{ field: 'email', mapping: { source: 'email' } }]);
    expect(published.body.diff.fields.changed).toEqual([
      expect.objectContaining({ field: 'name', properties: ['default'] }),
    ]);
    expect(published.body.diff.valueMaps.changed).toEqual([
      {
        name: 'groups',
        entries: {
          added: [{ key: 'C', value: 'Group C' }],
          removed: [],
          changed: [{ key: 'B', before: 'Group B', after: 'Group Bee' }],
        },
      },
    ]);

    const flow = await h.app.store.db
      .selectFrom('flows')
      .selectAll()
      .where('id', '=', 'items')
      .executeTakeFirst();
    expect(flow?.mapping_version).toBe(1);
    const active = await viewer.get('/api/flows/items/mapping');
    expect(active.body).toMatchObject({
      version: 1,
      active: true,
      createdBy: { kind: 'user', name: 'mapper@koppel.test' },
      previousVersion: 0,
    });
    expect(active.body.definition).toEqual(edited);

    const same = await owner.post('/api/flows/items/mapping', { mapping: edited });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 1, created: false, diff: { same: true } });
    const stale = await owner.post('/api/flows/items/mapping', { mapping: defaults, baseVersion: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'mapping.version_conflict',
      details: { activeVersion: 1 },
    });

    const back = await owner.post('/api/flows/items/mapping', { mapping: defaults, baseVersion: 1 });
    expect(back.body).toMatchObject({ version: 2, previousVersion: 1, created: true });
    const versions = await viewer.get('/api/flows/items/mapping/versions');
    expect(versions.body.activeVersion).toBe(2);
    expect(versions.body.items).toEqual([
      {
        version: 2,
        createdAt: expect.any(String),
        createdBy: { kind: 'user', name: 'mapper@koppel.test' },
        active: true,
      },
      {
        version: 1,
        createdAt: expect.any(String),
        createdBy: { kind: 'user', name: 'mapper@koppel.test' },
        active: false,
      },
    ]);
    const v1 = await viewer.get('/api/flows/items/mapping/versions/1');
    expect(v1.body).toMatchObject({ version: 1, active: false, previousVersion: 0 });
    expect(v1.body.diff.fields.added).toEqual([{ field: 'code', mapping: { expr: '$uppercase(id)' } }]);
    const v2 = await viewer.get('/api/flows/items/mapping/versions/2');
    expect(v2.body.diff.fields.removed).toEqual([{ field: 'code', mapping: { expr: '$uppercase(id)' } }]);
    expect((await viewer.get('/api/flows/items/mapping/versions/0')).body.definition).toEqual(defaults);
    const missing = await viewer.get('/api/flows/items/mapping/versions/9');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('mapping.version_missing');

    const lines = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'mapping.publish')
      .orderBy('id')
      .execute();
    expect(lines.map((l) => [l.target_id, l.pair_id, JSON.parse(l.details)])).toEqual([
      ['items', 'p1', { version: 1, previousVersion: 0 }],
      ['items', 'p1', { version: 2, previousVersion: 1 }],
    ]);
  });

  it('names the author of a version a workspace file brought', async () => {
    const exported = (await owner.get('/api/workspace')).body;
    const flow = exported.pairs[0].flows.find((f: any) => f.id === 'items');
    flow.mapping = edited;
    const applied = await owner.post('/api/workspace', { workspace: exported });
    expect(applied.body.changes.mappings.created).toEqual(['items v3']);
    const versions = await viewer.get('/api/flows/items/mapping/versions');
    expect(versions.body.items[0]).toMatchObject({
      version: 3,
      active: true,
      createdBy: { kind: 'user', name: 'mapper@koppel.test' },
    });
  });

  it('previews a proposed mapping on samples: output, field errors, and what differs from the active one', async () => {
    const before = await versionCount();
    const preview = await viewer.post('/api/flows/items/mapping/preview', {
      mapping: {
        ...defaults,
        fields: { ...defaults.fields, name: { expr: '$uppercase(name)', required: true } },
      },
      samples: [sampleItem(1), sampleItem(2, { name: '' }), 'not a record'],
      idPath: 'id',
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ flowId: 'items', activeVersion: 3, proposed: true, errorCount: 2 });
    const [one, two, three] = preview.body.results;
    expect(one).toMatchObject({
      index: 0,
      sourceId: 'I00001',
      output: { name: 'ITEM 1', price: '1.01' },
      errors: [],
    });
    // Against the active version 3 (`edited`): its code, the e-mail it leaves out, its group B name.
    expect(one.changes).toEqual([
      { path: 'code', before: 'I00001', after: null },
      { path: 'email', before: null, after: 'buyer1@example.nl' },
      { path: 'group', before: 'Group Bee', after: 'Group B' },
      { path: 'name', before: 'Item 1', after: 'ITEM 1' },
    ]);
    expect(two.errors.map((e: any) => [e.field, e.code])).toEqual([['name', 'mapping.required_missing']]);
    expect(three.errors.map((e: any) => e.code)).toEqual(['mapping.invalid_record']);

    const invalid = await viewer.post('/api/flows/items/mapping/preview', {
      mapping: { fields: { name: { expr: '$nope(' } } },
      samples: [sampleItem(1)],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.errors[0].path).toBe('mapping.fields.name');
    const both = await viewer.post('/api/flows/items/mapping/preview', { samples: [{}], recent: 2 });
    expect(both.status).toBe(400);
    expect(await versionCount()).toBe(before);
  });

  it("previews on the flow's recent records, redacted as stored, and says which were purged", async () => {
    await h.app.store.db
      .insertInto('settings')
      .values({ key: 'redaction', value: '["iban"]', updated_at: new Date().toISOString() })
      .execute();
    for (let n = 1; n <= 3; n++) h.loopback.put(sampleItem(n));
    await runFlow(h.app.engine, { flowId: 'items', trigger: 'manual' });
    h.loopback.put(sampleItem(2, { name: 'Item two' }));
    await runFlow(h.app.engine, { flowId: 'items', trigger: 'manual' });
    const oldest = await h.app.store.db
      .selectFrom('records')
      .select('id')
      .where('source_id', '=', 'I00001')
      .executeTakeFirstOrThrow();
    await h.app.store.db
      .updateTable('records')
      .set({ snapshot: null, payload: null, payload_purged: 1 })
      .where('id', '=', oldest.id)
      .execute();
    const recordsBefore = await h.app.store.db.selectFrom('records').select('id').execute();

    const preview = await viewer.post('/api/flows/items/mapping/preview', { recent: 5 });
    expect(preview.status).toBe(200);
    expect(preview.body.proposed).toBe(false);
    const shown = preview.body.results.map((r: any) => [
      r.sourceId,
      r.label,
      r.purged ?? false,
      r.output.name ?? null,
    ]);
    // The newest first; records of one batch are equally recent, in no particular order.
    expect(shown[0]).toEqual(['I00002', 'loopback item I00002 "Item two"', false, 'Item two']);
    expect(shown.slice(1)).toHaveLength(2);
    expect(shown.slice(1)).toEqual(
      expect.arrayContaining([
        ['I00003', 'loopback item I00003 "Item 3"', false, 'Item 3'],
        ['I00001', 'loopback item I00001 "Item 1"', true, null],
      ]),
    );
    expect(preview.body.results[0].redactedFields).toEqual(['iban']);
    expect(preview.body.results[0].recordId).toMatch(/^rec_/);
    expect(preview.body.results[0].input).toBeUndefined();
    // Asked for, each record comes with the input it was mapped from, redacted as stored.
    const withInput = await viewer.post('/api/flows/items/mapping/preview', { recent: 1, withInput: true });
    expect(withInput.body.results[0].input).toMatchObject({
      id: 'I00002',
      name: 'Item two',
      iban: '[redacted]',
    });
    expect(await h.app.store.db.selectFrom('records').select('id').execute()).toEqual(recordsBefore);
  });
});
