import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { loopbackItemsKind } from '../../testing/loopback-flow.js';
import { startLoopbackApiHarness, type LoopbackApiHarness } from '../../testing/loopback-api-harness.js';

const defaults = loopbackItemsKind.defaultMapping;
/** The default mapping with the name from another path and a default for it. */
const draft = {
  ...defaults,
  fields: { ...defaults.fields, name: { source: 'title', default: 'Unnamed' } },
};

describe.each(testDialects)('mapping drafts compared, and rollback (%s)', (dialect) => {
  let h: LoopbackApiHarness;
  let viewer: ApiClient;
  let operator: ApiClient;
  let owner: ApiClient;

  const activeVersion = async () => (await viewer.get('/api/flows/items/mapping')).body.version;

  beforeAll(async () => {
    h = await startLoopbackApiHarness(dialect);
    viewer = await h.signedIn('viewer');
    operator = await h.signedIn('operator');
    owner = await h.signedIn('owner', { email: 'mapper@koppel.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows anyone who may read the flow what publishing a draft would change, and stores nothing', async () => {
    const compared = await viewer.post('/api/flows/items/mapping/diff', { mapping: draft });
    expect(compared.status).toBe(200);
    expect(compared.body).toMatchObject({ flowId: 'items', against: 0, diff: { same: false } });
    expect(compared.body.diff.fields.changed).toEqual([
      expect.objectContaining({ field: 'name', properties: ['default', 'required', 'source'] }),
    ]);
    const same = await viewer.post('/api/flows/items/mapping/diff', { mapping: defaults });
    expect(same.body.diff.same).toBe(true);

    const broken = await viewer.post('/api/flows/items/mapping/diff', {
      mapping: { fields: { name: { expr: '$money(' } } },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.errors[0].path).toBe('mapping.fields.name');
    const missing = await viewer.post('/api/flows/items/mapping/diff', { mapping: draft, against: 4 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('mapping.version_missing');
    const scoped = await h.signedIn('owner', { pairScope: ['p2'] });
    expect((await scoped.post('/api/flows/items/mapping/diff', { mapping: draft })).status).toBe(404);
    expect(await activeVersion()).toBe(0);
  });

  it('rolls back to an earlier version without adding one, for owners only, with an audit line', async () => {
    expect((await owner.post('/api/flows/items/mapping', { mapping: draft })).body.version).toBe(1);
    const against = await viewer.post('/api/flows/items/mapping/diff', { mapping: defaults, against: 1 });
    expect(against.body).toMatchObject({ against: 1, diff: { same: false } });

    for (const refused of [viewer, operator])
      expect((await refused.post('/api/flows/items/mapping/activate', { version: 0 })).status).toBe(403);
    const stale = await owner.post('/api/flows/items/mapping/activate', { version: 0, baseVersion: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'mapping.version_conflict',
      details: { activeVersion: 1 },
    });
    const unknown = await owner.post('/api/flows/items/mapping/activate', { version: 7 });
    expect(unknown.status).toBe(404);
    expect(await activeVersion()).toBe(1);

    const back = await owner.post('/api/flows/items/mapping/activate', { version: 0, baseVersion: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ flowId: 'items', version: 0, previousVersion: 1 });
    expect(back.body.diff.fields.changed).toEqual([
      expect.objectContaining({ field: 'name', properties: ['default', 'required', 'source'] }),
    ]);
    expect(await activeVersion()).toBe(0);
    const versions = (await viewer.get('/api/flows/items/mapping/versions')).body;
    expect(versions).toMatchObject({ activeVersion: 0, items: [{ version: 1, active: false }] });

    const forward = await owner.post('/api/flows/items/mapping/activate', { version: 1 });
    expect(forward.body).toMatchObject({ version: 1, previousVersion: 0 });
    const again = await owner.post('/api/flows/items/mapping/activate', { version: 1 });
    expect(again.body).toMatchObject({ version: 1, previousVersion: 1, diff: { same: true } });

    const lines = await h.app.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'mapping.activate')
      .orderBy('id')
      .execute();
    expect(lines.map((l) => [l.target_id, l.actor_name, JSON.parse(l.details)])).toEqual([
      ['items', 'mapper@koppel.test', { version: 0, previousVersion: 1 }],
      ['items', 'mapper@koppel.test', { version: 1, previousVersion: 0 }],
    ]);
  });
});
